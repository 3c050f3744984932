/** A value rendered as XML text or nested elements; `undefined` leaves the element out. */
type XmlValue = string | number | boolean | undefined | XmlList | XmlFields;

/** Child elements by name, in order. */
interface XmlFields {
  readonly [name: string]: XmlValue;
}

/** A list: AWS Query responses wrap every item in a member element whose name the service model fixes. */
class XmlList {
  readonly memberName: string;
  readonly items: readonly XmlValue[];

  constructor(memberName: string, items: readonly XmlValue[]) {
    this.memberName = memberName;
    this.items = items;
  }
}

/** A list whose items render as `<memberName>` elements. */
function xmlList(memberName: string, items: readonly XmlValue[]): XmlList {
  return new XmlList(memberName, items);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be normalised to LF by the parser; a character reference survives.
  '\r': '&#13;',
};

/** Escapes text for use in XML character data or attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => ESCAPES[char] ?? char);
}

function renderValue(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof XmlList) {
    return `<${name}>${value.items.map((item) => renderValue(value.memberName, item)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${renderXml(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Renders fields as a sequence of XML elements (no enclosing element). */
function renderXml(fields: XmlFields): string {
  return Object.entries(fields)
    .map(([name, value]) => renderValue(name, value))
    .join('');
}

export { escapeXml, renderXml, XmlList, xmlList };
export type { XmlFields, XmlValue };
