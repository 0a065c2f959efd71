/** The path of an absolute request URL, without building a URL object on every response. */
export function pathnameOf(url: string): string {
  const scheme = url.indexOf('://');
  let start = scheme < 0 ? 0 : scheme + 3;
  // The authority ends at the first of '/', '?' or '#'; the path runs to the next '?' or '#'.
  while (start < url.length && url[start] !== '/' && url[start] !== '?' && url[start] !== '#') start++;
  let end = start;
  while (end < url.length && url[end] !== '?' && url[end] !== '#') end++;
  return end > start ? url.slice(start, end) : '/';
}
