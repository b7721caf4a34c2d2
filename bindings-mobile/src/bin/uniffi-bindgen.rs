//! uniffi's bindings generator, built from this crate so that its version always
//! matches the scaffolding (`--features cli`; see the crate docs for the command).

fn main() {
    uniffi::uniffi_bindgen_main()
}
