import type { Codec } from '../core/pipe/codecs.js';
import { goStruct, isJsonObject, type JsonObject, type JsonValue } from '../shared/json/json-number.js';
import { decodeXml } from './decode-xml.js';

/**
 * KrakenD CE's krakend-rss: `encoding: rss` backends parsed as gofeed's
 * universal parser does (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into the map
 * krakend-rss builds — `items`, `author`, `categories`, `custom`,
 * `copyright`, `description`, `type`, `language`, `title`, `published`,
 * `updated` and `img_url` when the feed has an image. Items are gofeed
 * `Item` structs: fields in struct order, empty ones left out. The XML is
 * read with the same decoder as `encoding: xml`, which drops namespace
 * prefixes (`content:encoded` is `encoded`).
 */
export const rssCodec: Codec = {
  decode: (body) => decodeFeed(body),
};

export function decodeFeed(body: string): JsonObject {
  const doc = decodeXml(body);
  const root = Object.keys(doc)[0];
  if (root === 'rss') return fromRss(obj(obj(doc.rss).channel), 'rss');
  if (root === 'RDF') {
    const rdf = obj(doc.RDF);
    return fromRss({ ...obj(rdf.channel), item: rdf.item ?? null }, 'rss');
  }
  if (root === 'feed') return fromAtom(obj(doc.feed));
  throw new Error('Failed to detect feed type');
}

function fromRss(channel: JsonObject, type: string): JsonObject {
  const image = text(obj(channel.image).url);
  const feed: JsonObject = {
    items: list(channel.item).map((i) => rssItem(obj(i))),
    author: person(text(channel.managingEditor) || text(channel.webMaster) || text(channel.creator)),
    categories: nullIfEmpty(list(channel.category).map(text).filter(Boolean)),
    custom: null,
    copyright: text(channel.copyright),
    description: text(channel.description),
    type,
    language: text(channel.language),
    title: text(channel.title),
    published: text(channel.pubDate),
    updated: text(channel.lastBuildDate) || text(channel.date),
  };
  if (image) feed.img_url = image;
  return feed;
}

function rssItem(i: JsonObject): JsonObject {
  const link = list(i.link).map(text).find(Boolean) ?? '';
  const published = text(i.pubDate) || text(i.date);
  const author = person(text(i.author) || text(i.creator));
  const enclosures = list(i.enclosure)
    .map(obj)
    .map((e) => goStruct(omitEmpty({ url: text(e['-url']), length: text(e['-length']), type: text(e['-type']) })));
  return goStruct(
    omitEmpty({
      title: text(i.title),
      description: text(i.description),
      content: text(i.encoded),
      link,
      links: link ? [link] : [],
      published,
      publishedParsed: parsedTime(published),
      author,
      authors: author ? [author] : [],
      guid: text(i.guid),
      categories: list(i.category).map(text).filter(Boolean),
      enclosures,
    }),
  );
}

function fromAtom(f: JsonObject): JsonObject {
  const authors = list(f.author).map(obj).map(atomPerson).filter((p): p is JsonObject => p !== null);
  const image = text(f.logo) || text(f.icon);
  const feed: JsonObject = {
    items: list(f.entry).map((e) => atomEntry(obj(e))),
    author: authors[0] ?? null,
    categories: nullIfEmpty(list(f.category).map((c) => text(obj(c)['-term']) || text(c)).filter(Boolean)),
    custom: null,
    copyright: text(f.rights),
    description: text(f.subtitle),
    type: 'atom',
    language: text(f['-lang']),
    title: text(f.title),
    published: text(f.published),
    updated: text(f.updated),
  };
  if (image) feed.img_url = image;
  return feed;
}

function atomEntry(e: JsonObject): JsonObject {
  const links = list(e.link).map(obj);
  const hrefs = links.map((l) => text(l['-href'])).filter(Boolean);
  const alternate = links.find((l) => !l['-rel'] || l['-rel'] === 'alternate');
  const authors = list(e.author).map(obj).map(atomPerson).filter((p): p is JsonObject => p !== null);
  const published = text(e.published) || text(e.issued);
  const updated = text(e.updated) || text(e.modified);
  return goStruct(
    omitEmpty({
      title: text(e.title),
      description: text(e.summary),
      content: text(e.content),
      link: alternate ? text(alternate['-href']) : (hrefs[0] ?? ''),
      links: hrefs,
      updated,
      updatedParsed: parsedTime(updated),
      published,
      publishedParsed: parsedTime(published),
      author: authors[0] ?? null,
      authors,
      guid: text(e.id),
      categories: list(e.category).map((c) => text(obj(c)['-term']) || text(c)).filter(Boolean),
      enclosures: links
        .filter((l) => l['-rel'] === 'enclosure')
        .map((l) => goStruct(omitEmpty({ url: text(l['-href']), length: text(l['-length']), type: text(l['-type']) }))),
    }),
  );
}

/** gofeed's Person from `email (Name)`, `Name <email>`, a bare email or a bare name. */
function person(s: string): JsonObject | null {
  if (s === '') return null;
  let m = /^\s*(\S+@\S+)\s*\((.*)\)\s*$/.exec(s);
  if (m) return goStruct(omitEmpty({ name: m[2]!.trim(), email: m[1]! }));
  m = /^\s*(.*?)\s*<(\S+@\S+)>\s*$/.exec(s);
  if (m) return goStruct(omitEmpty({ name: m[1]!, email: m[2]! }));
  return /^\S+@\S+$/.test(s.trim()) ? goStruct({ email: s.trim() }) : goStruct({ name: s.trim() });
}

function atomPerson(a: JsonObject): JsonObject | null {
  const p = omitEmpty({ name: text(a.name), email: text(a.email) });
  return Object.keys(p).length > 0 ? goStruct(p) : null;
}

/** A feed date as Go's time.Time marshals it (RFC 3339, here in UTC), or nothing when it does not parse. */
function parsedTime(s: string): string {
  if (s === '') return '';
  const t = Date.parse(s);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

function text(v: JsonValue | undefined): string {
  if (typeof v === 'string') return v;
  if (isJsonObject(v) && typeof v['#text'] === 'string') return v['#text'];
  return '';
}

function obj(v: JsonValue | undefined): JsonObject {
  return isJsonObject(v) ? v : {};
}

function list(v: JsonValue | undefined): JsonValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function nullIfEmpty(v: string[]): JsonValue {
  return v.length > 0 ? v : null;
}

/** Go's `omitempty`: empty strings, empty lists and nil left out. */
function omitEmpty(o: Record<string, JsonValue>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === '' || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}
