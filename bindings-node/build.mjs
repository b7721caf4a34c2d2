// Builds the native addon with the napi CLI and generates index.d.ts from the Rust
// sources (napi's type generation), prefixed with the error classes of errors.js
// (dts-header.d.ts) and the record types (records.d.ts, generated from the core's Rust
// types by tools/records-dts: `cargo run -p patungan-records-dts -- --write`).
// Usage: node build.mjs [--release] [--target-dir DIR]   (offline once `npm ci` ran)
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const napi = join(here, 'node_modules', '.bin', 'napi')
execFileSync(
  napi,
  [
    'build',
    '--platform',
    '--no-const-enum',
    '--js',
    'native.js',
    '--dts',
    'index.d.ts',
    '--dts-header',
    readFileSync(join(here, 'dts-header.d.ts'), 'utf8') + readFileSync(join(here, 'records.d.ts'), 'utf8'),
    ...args,
  ],
  { cwd: here, stdio: 'inherit' },
)
