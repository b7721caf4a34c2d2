//! The committed `bindings-node/records.d.ts` is what the core's types generate now.

use std::path::Path;

#[test]
fn committed_records_dts_is_current() -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../records.d.ts");
    let committed =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let generated = patungan_records_dts::records_dts()?;
    if committed != generated {
        return Err("bindings-node/records.d.ts is stale: run \
             `cargo run -p patungan-records-dts -- --write` (then `node build.mjs` in bindings-node)"
            .into());
    }
    Ok(())
}
