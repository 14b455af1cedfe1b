// Python's spellings of numbers, where the official client's output depends on them: `str(float)` (NQL values,
// neptune.md §4.2; the refresh form's `expires_in`, §2.4) and `f"{x:f}"` (series file names, §7.3).

/**
 * `repr(float)` / `str(float)`: the shortest digits that round-trip, in fixed notation when the decimal
 * exponent is in [-4, 16), else `d.ddde±XX` (at least two exponent digits). `1e-07`, `0.001`, `100.0`, `1e+16`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-tripping digits (ECMA-262 Number::toString),
  // the same digits Python's repr picks (David Gay's shortest mode).
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp10 = Number(exponent);
  if (exp10 >= -4 && exp10 < 16) {
    const point = exp10 + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const expSign = exp10 < 0 ? '-' : '+';
  return `${sign}${digits[0] ?? ''}${fraction}e${expSign}${String(Math.abs(exp10)).padStart(2, '0')}`;
}

/**
 * `f"{x:f}"`: fixed point with `decimals` digits, computed from the exact binary value of the double and
 * rounded half-to-even, as Python's formatter does. Exact for every double (`1e22` → all 23 digits), which
 * `Number.prototype.toFixed` is not beyond 1e21.
 */
export function pythonFixed(x: number, decimals = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  // value = mantissa · 2^exponent exactly.
  const mantissa = biasedExponent === 0 ? fractionBits : fractionBits | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  const scale = 10n ** BigInt(decimals);
  let scaled: bigint;
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * scale;
  } else {
    const numerator = mantissa * scale;
    const denominator = 1n << BigInt(-exponent);
    scaled = numerator / denominator;
    const twiceRemainder = (numerator % denominator) * 2n;
    if (twiceRemainder > denominator || (twiceRemainder === denominator && scaled % 2n === 1n)) scaled += 1n;
  }
  const text = scaled.toString().padStart(decimals + 1, '0');
  const whole = text.slice(0, text.length - decimals);
  const fraction = text.slice(text.length - decimals);
  // Python keeps the sign of negative values that round to zero, and of -0.0 itself.
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}
