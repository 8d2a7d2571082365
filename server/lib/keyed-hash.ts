/**
 * A keyed hash (HMAC-SHA-256 with the server secret) for values we must recognise but never
 * store: client addresses, device cookies, e-mail addresses in throttling records. A plain hash
 * of an IPv4 address can be reversed by hashing all 2^32 of them; a keyed one cannot without
 * the secret. `purpose` separates uses, so one value hashes differently in each.
 */
import crypto from 'node:crypto';

export function keyedHash(secret: string, purpose: string, value: string): string {
  return crypto.createHmac('sha256', secret).update(`${purpose}|${value}`).digest('base64url').slice(0, 32);
}
