fn main() {
    std::process::exit(triage502::cli::main());
}
