// XPath criteria and selectors that are not XPath 3.1, and an XPath version Arazzo does not list.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/malformed-xpath.yml");

fn main() {}
