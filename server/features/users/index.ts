/** Users and units, as other features use them: the units list (API tokens). */
export { listUnits } from './units.service';
