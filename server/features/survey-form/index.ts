/**
 * The survey form, as other features use it: the profile questions a survey asks (import, the
 * dashboard's labels), its public link as a QR code (surveys) and whether it takes responses now
 * (surveys).
 */
export { profileQuestionsFor, STANDARD_PROFILE } from './profile';
export { formProfileQuestions } from './survey-definitions';
export { availability } from './survey-form.service';
export { publicBaseUrl, qrPng, qrSvg } from './qr';
