//! `records-dts`: prints `bindings-node/records.d.ts`; `--write` rewrites the file,
//! `--schema` prints the JSON Schema it is generated from.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let result = match arg.as_deref() {
        None => patungan_records_dts::records_dts().map(|text| print!("{text}")),
        Some("--write") => patungan_records_dts::records_dts().and_then(|text| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../records.d.ts");
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
        }),
        Some("--schema") => serde_json::to_string_pretty(&patungan_records_dts::records_schema())
            .map(|text| println!("{text}"))
            .map_err(|e| e.to_string()),
        Some(other) => Err(format!(
            "unknown argument {other}; usage: records-dts [--write | --schema]"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("records-dts: {message}");
            ExitCode::FAILURE
        }
    }
}
