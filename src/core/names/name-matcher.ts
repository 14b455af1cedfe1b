// `regex:<pattern>` matched by this tool over names a tracker lists (for trackers whose API has no regex over
// them). The syntax is the one every list input documents: the official Neptune client's "extended regex"
// (`a & !b | c`, neptune.md §4.2), parsed by extended-regex.ts so every source agrees. Each part is a
// JavaScript RegExp that matches anywhere in the value (like RE2 partial matching).
import { InputError } from '../errors.ts';
import { parseExtendedRegex } from './extended-regex.ts';

export type NameMatcher = (value: string) => boolean;

export function compileNameMatcher(pattern: string, input: string): NameMatcher {
  const compile = (part: string): RegExp => {
    if (part === '') throw new InputError(input, `'regex:${pattern}' has an empty part around '&', '|' or '!'.`);
    try {
      return new RegExp(part);
    } catch (error) {
      throw new InputError(input, `'${part}' in 'regex:${pattern}' is not a valid regular expression (${(error as Error).message}).`);
    }
  };
  const alternatives = parseExtendedRegex(pattern).map((c) => ({
    positive: c.positive.map(compile),
    negated: c.negated.map(compile),
  }));
  return (value) => alternatives.some((a) => a.positive.every((r) => r.test(value)) && a.negated.every((r) => !r.test(value)));
}
