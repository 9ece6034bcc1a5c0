//! Each function's IAM policy in `template.yaml` against the AWS operations it performed
//! in the tests (testkit's `iam` module records them; docs/operations.md, "IAM").
//!
//! The suite's tests run in parallel in one process and any of them may be the last to
//! use a function, so this check cannot run beside them: it is ignored by a plain
//! `cargo test`, and `make test` runs it after the whole suite, on the record the suite
//! wrote to `IAM_OPERATIONS`. By hand:
//!
//! ```text
//! IAM_OPERATIONS=$PWD/target/iam.tsv cargo test -p console-tests --test console
//! IAM_OPERATIONS=$PWD/target/iam.tsv cargo test -p console-tests --test console -- --ignored iam::
//! ```
//! (remove the file first: a record only grows).

use testkit::{iam, resources::Template};

#[test]
#[ignore = "reads the record of a whole run of the suite: make test runs it after the suite"]
fn every_function_is_granted_what_it_does_and_nothing_more() {
    let path = std::env::var(iam::RECORD_VAR).unwrap_or_else(|_| {
        panic!(
            "{} names the record of a whole run of the suite; see tests/tests/iam.rs",
            iam::RECORD_VAR
        )
    });
    let record = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let performed = iam::parse_record(&record);
    let policies = iam::policies(&Template::bundled().unwrap()).unwrap();
    if let Err(report) = iam::compare(&performed, &policies) {
        panic!("{report}");
    }
}
