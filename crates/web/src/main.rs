//! The `techmatch` binary: everything lives in the library so that tests reuse it.

fn main() -> std::process::ExitCode {
    techmatch_web::cli::main()
}
