// A document outside the crate is refused unless the macro is told `allow_outside_crate`.
arazzo_runtime::arazzo_workflow!("../outside.yml");

fn main() {}
