import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer } from '../helpers/servers.js';
import { decodeFeed } from '../../runtime/encoding/rss-codec.js';
import { encodeJson } from '../../runtime/shared/json/encode-json.js';

/** `encoding: rss` (krakend-rss over gofeed): RSS 2.0, RSS 1.0 and Atom into krakend-rss's map, and through a gateway. */
const RSS2 = `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><description>All the news</description><language>en</language><copyright>(c) us</copyright>
<managingEditor>editor@example.com (Ed Itor)</managingEditor><pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate>
<lastBuildDate>Tue, 03 Jan 2006 10:00:00 +0000</lastBuildDate><image><url>http://example.com/logo.png</url></image>
<category>world</category><category>tech</category>
<item><title>First</title><link>http://example.com/1</link><description>one</description><content:encoded><![CDATA[<p>One</p>]]></content:encoded>
<pubDate>Mon, 02 Jan 2006 15:04:05 +0100</pubDate><guid>id-1</guid><dc:creator>Ann</dc:creator><category>tech</category>
<enclosure url="http://example.com/1.mp3" length="123" type="audio/mpeg"/></item>
<item><title>Second</title></item>
</channel></rss>`;

describe('encoding: rss', () => {
  it('reads RSS 2.0 into krakend-rss\'s map with gofeed items (struct field order, empty fields left out)', () => {
    const feed = decodeFeed(RSS2);
    expect(encodeJson(feed)).toBe(
      '{"author":{"name":"Ed Itor","email":"editor@example.com"},"categories":["world","tech"],"copyright":"(c) us","custom":null,"description":"All the news","img_url":"http://example.com/logo.png",' +
        '"items":[{"title":"First","description":"one","content":"\\u003cp\\u003eOne\\u003c/p\\u003e","link":"http://example.com/1","links":["http://example.com/1"],"published":"Mon, 02 Jan 2006 15:04:05 +0100","publishedParsed":"2006-01-02T14:04:05Z","author":{"name":"Ann"},"authors":[{"name":"Ann"}],"guid":"id-1","categories":["tech"],"enclosures":[{"url":"http://example.com/1.mp3","length":"123","type":"audio/mpeg"}]},{"title":"Second"}],' +
        '"language":"en","published":"Mon, 02 Jan 2006 15:04:05 +0000","title":"News","type":"rss","updated":"Tue, 03 Jan 2006 10:00:00 +0000"}',
    );
  });

  it('reads Atom and RSS 1.0, and refuses what is no feed', () => {
    const atom = decodeFeed(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>A</title><subtitle>sub</subtitle><updated>2024-05-01T10:00:00Z</updated>
      <author><name>Zoe</name></author><entry><title>E1</title><id>urn:1</id><link rel="alternate" href="http://a/1"/><link rel="enclosure" href="http://a/1.ogg" type="audio/ogg"/>
      <updated>2024-05-01T10:00:00+02:00</updated><summary>s</summary><category term="x"/></entry></feed>`);
    expect(atom).toMatchObject({ type: 'atom', title: 'A', description: 'sub', language: 'fr', author: { name: 'Zoe' }, updated: '2024-05-01T10:00:00Z' });
    expect((atom.items as unknown[])[0]).toEqual({
      title: 'E1', description: 's', link: 'http://a/1', links: ['http://a/1', 'http://a/1.ogg'], updated: '2024-05-01T10:00:00+02:00', updatedParsed: '2024-05-01T08:00:00Z',
      guid: 'urn:1', categories: ['x'], enclosures: [{ url: 'http://a/1.ogg', type: 'audio/ogg' }],
    });
    const rdf = decodeFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>R</title></channel><item><title>I</title><link>http://r/i</link></item></rdf:RDF>`);
    expect(rdf).toMatchObject({ type: 'rss', title: 'R', items: [{ title: 'I', link: 'http://r/i', links: ['http://r/i'] }] });
    expect(() => decodeFeed('<html><body/></html>')).toThrow('Failed to detect feed type');
  });
});

describe('encoding: rss through a gateway', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('decodes the backend\'s feed, filters it with allow, and reports a body that is no feed as a failed backend', async () => {
    const be = await startServer((req, res) => {
      if (req.url === '/broken.rss') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html/>');
      else res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(RSS2);
    });
    cleanups.push(() => be.close());
    const gw = await startRuntime(
      base([
        { endpoint: '/news', backend: [{ url_pattern: '/feed.rss', host: [be.url], encoding: 'rss', allow: ['title', 'items'] }] },
        { endpoint: '/broken', backend: [{ url_pattern: '/broken.rss', host: [be.url], encoding: 'rss' }] },
      ]),
    );
    cleanups.push(() => gw.close());
    const res = await request(`${gw.url}/news`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { title: string; items: Array<{ title: string }> };
    expect(Object.keys(body).sort()).toEqual(['items', 'title']);
    expect(body.items.map((i) => i.title)).toEqual(['First', 'Second']);
    expect((await request(`${gw.url}/broken`)).status).toBe(500);
  });
});
