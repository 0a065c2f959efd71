import { describe, expect, it } from 'vitest';
import { pathnameOf } from '../../../src/lib/url-path.js';

describe('pathnameOf', () => {
  it.each([
    ['http://localhost:4000/graphql', '/graphql'],
    ['http://localhost:4000/graphql?query=%7B__typename%7D', '/graphql'],
    ['https://api.example.com/graphql#x', '/graphql'],
    ['http://host/graphql/?a=1#b', '/graphql/'],
    ['http://host', '/'],
    ['http://host?x=/graphql', '/'],
  ])('%s -> %s, as URL reads it', (url, path) => {
    expect(pathnameOf(url)).toBe(path);
    expect(pathnameOf(url)).toBe(new URL(url).pathname);
  });
});
