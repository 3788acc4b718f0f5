// An error page (404, 500...). It is served at whatever URL failed, so its links cannot be
// relative to its own path: they are root-relative, under the base URL's path when it has one.
import type { Catalog } from '../contract/catalog.js';
import type { SiteOptions } from '../contract/site-options.js';
import { paths } from '../contract/urls.js';
import { esc } from './html.js';
import { layout } from './layout.js';

const reasons: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  416: 'Range not satisfiable',
  500: 'Server error',
  503: 'Unavailable',
};

export function renderErrorPage(status: number, message: string, catalog?: Catalog, options?: Pick<SiteOptions, 'baseUrl'>): string {
  const baseUrl = options?.baseUrl ?? catalog?.show.baseUrl;
  let basePath = '';
  if (baseUrl) {
    try {
      basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    } catch {
      basePath = '';
    }
  }
  const link = (to: string) => basePath + to;
  const reason = reasons[status] ?? 'Error';
  const main = `<section class="error" aria-labelledby="error-title">
<h1 id="error-title">${esc(reason)} <span class="status">(${status})</span></h1>
<p>${esc(message)}</p>
${catalog ? `<p><a class="button" href="${esc(link(paths.home()))}">Back to ${esc(catalog.show.title)}</a></p>` : ''}
</section>`;
  return layout({
    title: catalog ? `${reason} · ${catalog.show.title}` : reason,
    lang: catalog?.show.language ?? 'en',
    main,
    catalog,
    link,
  });
}
