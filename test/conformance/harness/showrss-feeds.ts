import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for showrss.info, which the suite's `rss` spec fetches over the
 * internet: two RSS 2.0 feeds shaped like showRSS's (channel title, items
 * with enclosures and dates), served on 127.0.0.1 and reached through a host
 * map. The gateway's rss decoding runs on them for real.
 */
const feed = (title: string, items: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:tv="http://showrss.info" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${title}</title>
<link>http://showrss.info</link>
<atom:link href="http://showrss.info/other/schedule.rss" rel="self" type="application/rss+xml" />
<ttl>30</ttl>
<description>${title} for user 1482</description>
${items}
</channel>
</rss>`;

const ITEM = `<item>
<title>Some Show S01E02</title>
<link>magnet:?xt=urn:btih:0123456789abcdef</link>
<guid isPermaLink="false">0123456789abcdef</guid>
<pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate>
<description>New episode</description>
<enclosure url="magnet:?xt=urn:btih:0123456789abcdef" length="0" type="application/x-bittorrent" />
<tv:show_name>Some Show</tv:show_name>
</item>`;

export async function startShowRss(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const body = /^\/user\/schedule\/\d+\.rss$/.test(path)
      ? feed('showRSS schedule feed', ITEM)
      : /^\/user\/\d+\.rss$/.test(path)
        ? feed('showRSS personal feed', ITEM)
        : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
