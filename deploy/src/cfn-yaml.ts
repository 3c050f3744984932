import { Document, isMap, isScalar, isSeq, type Node, parse, Scalar, type ScalarTag, type CollectionTag, visit, type YAMLMap, type YAMLSeq } from 'yaml';

/** A CloudFormation template as plain data, intrinsic functions in their long form (`{ Ref: … }`, `{ 'Fn::If': … }`). */
type TemplateValue = string | number | boolean | readonly TemplateValue[] | { readonly [key: string]: TemplateValue };

/** Comments to write into the YAML: one above the document, and one above each named top-level or resource key. */
interface TemplateComments {
  readonly header: string;
  /** Keyed by a path of map keys, e.g. `Parameters` or `Resources.RotationLambda`. */
  readonly sections: Readonly<Record<string, string>>;
}

/** Intrinsic functions the templates use and their short-form tags. */
const INTRINSICS = ['Ref', 'Condition', 'Fn::And', 'Fn::Equals', 'Fn::GetAtt', 'Fn::If', 'Fn::Join', 'Fn::Not', 'Fn::Or', 'Fn::Select', 'Fn::Split', 'Fn::Sub'] as const;

function shortTag(fn: string): string {
  return `!${fn.replace(/^Fn::/, '')}`;
}

/** YAML 1.1 reads these plain words as booleans or null; CloudFormation and cfn-lint read YAML 1.1. */
const AMBIGUOUS_WORDS = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9._/:-]*$/;

/** Rewrites `{ Ref: x }` / `{ 'Fn::X': y }` maps as `!Ref x` / `!X y`, and quotes every string that is not a plain identifier. */
function shortenIntrinsics(doc: Document): void {
  visit(doc, {
    Map(_, node) {
      const [pair, ...rest] = node.items;
      if (pair === undefined || rest.length > 0 || !isScalar(pair.key)) return undefined;
      const fn = pair.key.value;
      if (typeof fn !== 'string' || !(INTRINSICS as readonly string[]).includes(fn)) return undefined;
      let value = pair.value as Node;
      if (fn === 'Fn::GetAtt' && isSeq(value)) {
        value = new Scalar((value.items as Scalar[]).map((item) => String(item.value)).join('.'));
      }
      value.tag = shortTag(fn);
      return value;
    },
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return;
      if (!PLAIN_SAFE.test(node.value) || AMBIGUOUS_WORDS.test(node.value)) node.type = Scalar.QUOTE_SINGLE;
    },
  });
}

/** YAML comment text: each line after `#` starts with one space. */
function commentText(text: string): string {
  return text
    .split('\n')
    .map((line) => ` ${line}`.trimEnd())
    .join('\n');
}

function attachComments(doc: Document, comments: TemplateComments): void {
  doc.commentBefore = commentText(comments.header);
  for (const [path, text] of Object.entries(comments.sections)) {
    const keys = path.split('.');
    const last = keys.pop();
    const parent = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
    const pair = isMap(parent) ? (parent as YAMLMap).items.find((item) => isScalar(item.key) && item.key.value === last) : undefined;
    if (pair === undefined || !isScalar(pair.key)) throw new Error(`comment target ${path} is not in the template`);
    pair.key.commentBefore = commentText(text);
  }
  // A blank line before each top-level section and between resources.
  const spaceOut = (map: unknown, skipFirst: boolean): void => {
    if (!isMap(map)) return;
    for (const [index, item] of (map as YAMLMap).items.entries()) {
      if (isScalar(item.key)) item.key.spaceBefore = isMap(item.value) && (index > 0 || !skipFirst);
    }
  };
  spaceOut(doc.contents, false);
  spaceOut(doc.get('Resources', true), true);
}

/**
 * Writes a template as CloudFormation YAML: short-form intrinsic tags, strings quoted unless plainly safe
 * under YAML 1.1, no line folding, keys in insertion order, the given comments. The same input always gives
 * the same text.
 */
function stringifyTemplate(template: TemplateValue, comments: TemplateComments): string {
  const doc = new Document(template);
  shortenIntrinsics(doc);
  attachComments(doc, comments);
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

function longForm(fn: string, value: unknown): Record<string, unknown> {
  if (fn === 'Fn::GetAtt' && typeof value === 'string') {
    // `!GetAtt Resource.Attribute.With.Dots`: only the first dot separates (nested stack outputs have more).
    const dot = value.indexOf('.');
    return { [fn]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [fn]: value };
}

/** The short-form intrinsic tags as yaml custom tags, each read back into its long-form object. */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((fn) => [
  { tag: shortTag(fn), resolve: (value: string) => longForm(fn, value) } satisfies ScalarTag,
  { tag: shortTag(fn), collection: 'seq', resolve: (value: YAMLSeq) => new Scalar(longForm(fn, value.toJSON())) } as CollectionTag,
  { tag: shortTag(fn), collection: 'map', resolve: (value: YAMLMap) => new Scalar(longForm(fn, value.toJSON())) } as CollectionTag,
]);

/** Reads CloudFormation YAML, short-form tags included, into plain data with long-form intrinsics. */
function parseTemplate(text: string): Record<string, unknown> {
  return parse(text, { customTags: CLOUDFORMATION_TAGS }) as Record<string, unknown>;
}

export { parseTemplate, stringifyTemplate };
export type { TemplateComments, TemplateValue };
