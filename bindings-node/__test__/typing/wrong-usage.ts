// Deliberately wrong: amounts are strings, so tsc must reject a number.
import { money } from '../../index.js'

money(1.5, 'USD')
