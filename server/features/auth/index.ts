/** Accounts, as other features use them: password hashing and one-time passwords (users). */
export { hashPassword, oneTimePassword } from './password';
