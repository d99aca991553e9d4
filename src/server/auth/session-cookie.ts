import type { AppContext } from '../app-env.js';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure on https. */
export const SESSION_COOKIE = 'crossbar_session';

export function readSessionCookie(c: AppContext): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function writeSessionCookie(c: AppContext, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.get('deps').publicUrl.startsWith('https:'),
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}
