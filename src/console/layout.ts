import type { App } from '../app/app.js';
import { LANGUAGES, type Language, type Translate } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import type { ConsolePerson } from './person.js';

export interface NavEntry {
  href: string;
  label: string;
}

export interface LayoutInput {
  lang: Language;
  t: Translate;
  title: string;
  main: SafeHtml;
  /** The signed-in person, with the menu of pages they may open. */
  signedIn?: { person: ConsolePerson; nav: NavEntry[]; current: string };
  /** The page's CSRF token, for the language switch and sign-out forms. */
  csrf: string;
}

/** "Cán bộ · Phường Chiềng An, Tỉnh Sơn La": each role held and where. */
export function rolesLine(app: App, person: ConsolePerson, t: Translate): string[] {
  if (person.roles.has('admin')) return [t('console.role.admin')];
  return person.grants.map((g) => `${t(`console.role.${g.role}`)} · ${app.areas.get(g.area)?.fullName ?? g.area}`);
}

/** The console's shared page: header with the person and the menu, the page, sign-out; no script needed. */
export function layout(app: App, input: LayoutInput): string {
  const { t, lang, signedIn, csrf } = input;
  const other = LANGUAGES.find((l) => l !== lang) ?? 'en';
  const csrfField = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const page = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title} · ${t('console.brand')}</title>
<link rel="icon" href="/admin/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/assets/console.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/admin"><img src="/admin/assets/favicon.svg" alt="" width="28" height="28"><span>${t('console.brand')}</span></a>
  ${signedIn
    ? html`<div class="who" data-who>${rolesLine(app, signedIn.person, t).map((line) => html`<span>${line}</span>`)}</div>`
    : ''}
  <form class="lang" method="post" action="/admin/lang">${csrfField}<input type="hidden" name="lang" value="${other}"><input type="hidden" name="back" value="${signedIn?.current ?? '/admin'}"><button type="submit" lang="${other}">${t(`console.lang.${other}`)}</button></form>
</header>
${signedIn
  ? html`<nav class="menu"><ul>${signedIn.nav.map((n) => html`<li><a href="${n.href}"${n.href === signedIn.current ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul></nav>`
  : ''}
<main>
${input.main}
</main>
${signedIn
  ? html`<footer class="bottom">
  <form method="post" action="/admin/logout">${csrfField}<button type="submit">${t('console.sign_out')}</button></form>
  <form method="post" action="/admin/logout-all">${csrfField}<button type="submit" class="danger">${t('console.sign_out_all')}</button></form>
</footer>`
  : ''}
</body>
</html>
`;
  return page.value;
}
