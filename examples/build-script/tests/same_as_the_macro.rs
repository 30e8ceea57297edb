//! The build script's code and the macro's, run against the sandbox over real HTTP: the same
//! requests go out and the same typed outputs come back.

use arazzo_build_script_example as from_build_script;
use arazzo_sandbox::SandboxHandle;
use arazzo_sandbox::fixtures::{GROUP_TRACKERS, SIM_1};

mod from_macro {
    arazzo_runtime::arazzo_workflow!(
        "../../workflows/arazzo/soracom-register-and-activate-sim-workflow.yml",
        allow_outside_crate
    );
}

fn client_for(sandbox: &SandboxHandle) -> arazzo_runtime::Client {
    let (key, token) = sandbox.issue_credentials();
    arazzo_runtime::Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", key)
        .api_key("api_token", token)
        .build()
        .expect("client")
}

/// What a sandbox received: method, path, body and the status it answered.
fn received(sandbox: &SandboxHandle) -> Vec<(String, String, Vec<u8>, u16)> {
    sandbox
        .requests()
        .into_iter()
        .map(|r| (r.method, r.raw_path, r.body.to_vec(), r.status))
        .collect()
}

#[tokio::test]
async fn the_generated_file_sends_and_returns_what_the_macro_does() {
    let by_file = arazzo_sandbox::start().await.expect("sandbox");
    let by_macro = arazzo_sandbox::start().await.expect("sandbox");

    let file_out = from_build_script::register_and_activate_sim(
        &client_for(&by_file),
        from_build_script::RegisterAndActivateSimInputs {
            sim_id: SIM_1.sim_id.into(),
            registration_secret: SIM_1.registration_secret.into(),
            group_id: GROUP_TRACKERS.group_id.into(),
        },
    )
    .await
    .expect("the build script's workflow succeeds");
    let macro_out = from_macro::register_and_activate_sim(
        &client_for(&by_macro),
        from_macro::RegisterAndActivateSimInputs {
            sim_id: SIM_1.sim_id.into(),
            registration_secret: SIM_1.registration_secret.into(),
            group_id: GROUP_TRACKERS.group_id.into(),
        },
    )
    .await
    .expect("the macro's workflow succeeds");

    // Typed as the macro types it: an enum for `status`, not a string.
    assert_eq!(file_out.status, from_build_script::SimStatus::Active);
    assert_eq!(file_out.sim_id, SIM_1.sim_id);
    assert_eq!(format!("{file_out:?}"), format!("{macro_out:?}"));
    let sent = received(&by_file);
    assert_eq!(sent.len(), 4, "register, activate, set group, read back");
    assert_eq!(sent, received(&by_macro));
}
