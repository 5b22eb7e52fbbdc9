//! Integration tests, one binary (ripgrep style): `cli` runs the real `certify` binary, `golden`
//! compares `proofs/` byte for byte, `mutation` tampers with a spread of every certificate's numbers,
//! `adversarial` with consistent-but-wrong certificates, `architecture` checks the one-way layering
//! of the engine's modules.

mod admissible;
mod adversarial;
mod architecture;
mod cli;
mod golden;
mod mutation;
mod objectives;
mod oracle;
mod rule4;
mod trace;
mod util;
