/** Test support for the portal API: a portal session for an authorized requester, and requests that carry it. */
import { expect } from 'vitest';
import { findRequester, issueSignIn } from '../../api/portal/sessions';
import type { TestApi } from '../api/helpers';

/** The portal origin the tests configure (`portal.baseUrl`); writes must come from it. */
export const PORTAL_ORIGIN = 'http://portal.test';

/** A signed-in requester: requests through `get` and `post` carry the session cookie (and the portal Origin). */
export interface PortalClient {
  cookie: string;
  get(path: string): ReturnType<TestApi['call']>;
  post(path: string, body?: object): ReturnType<TestApi['call']>;
}

/** Signs `email` in through the real verify route (the link token issued as the sign-in route would). */
export async function signInAs(api: TestApi, email: string): Promise<PortalClient> {
  const requester = await findRequester(api.db, email, new Date());
  if (requester === undefined) throw new Error(`${email} is not an authorized requester`);
  const { linkToken } = await issueSignIn(api.db, requester, new Date());
  const res = await api
    .call('post', '/v1/portal/sign-in/verify', null)
    .set('Origin', PORTAL_ORIGIN)
    .send({ token: linkToken });
  expect(res.status, res.text).toBe(200);
  const cookie = /orquesta_portal=[^;]+/.exec(String(res.headers['set-cookie']))![0];
  return {
    cookie,
    get: (path) => api.call('get', path, null).set('Cookie', cookie),
    post: (path, body = {}) =>
      api.call('post', path, null).set('Cookie', cookie).set('Origin', PORTAL_ORIGIN).send(body),
  };
}
