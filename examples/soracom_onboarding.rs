//! Onboards a SIM and a subscriber with the two Soracom seed workflows.
//!
//! With no environment, it starts the Soracom sandbox in this process and runs against it (no
//! account, no network). With `SORACOM_API_ENDPOINT`, `SORACOM_AUTH_KEY_ID` and `SORACOM_AUTH_KEY`
//! set, it runs against that endpoint instead (the real API, or `https://api-sandbox.soracom.io/v1`),
//! and takes the workflow inputs from `SORACOM_SIM_ID`, `SORACOM_SIM_REGISTRATION_SECRET`,
//! `SORACOM_IMSI`, `SORACOM_IMSI_REGISTRATION_SECRET` and `SORACOM_GROUP_ID`; a workflow whose
//! inputs are not all set is skipped.
//!
//! ```text
//! cargo run --example soracom_onboarding
//! ```

use std::env;
use std::error::Error;

use arazzo_runtime::{Client, StepEvent};
use arazzo_sandbox::fixtures;
use arazzo_workflows::soracom_sim::{RegisterAndActivateSimInputs, register_and_activate_sim};
use arazzo_workflows::soracom_subscriber::{
    RegisterSubscriberToGroupInputs, register_subscriber_to_group,
};

/// Where to run, with what inputs.
struct Target {
    endpoint: String,
    auth_key_id: String,
    auth_key: String,
    sim: Option<RegisterAndActivateSimInputs>,
    subscriber: Option<RegisterSubscriberToGroupInputs>,
    /// Keeps the in-process sandbox alive while the workflows run.
    _sandbox: Option<arazzo_sandbox::SandboxHandle>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let target = match env::var("SORACOM_API_ENDPOINT") {
        Ok(endpoint) => remote_target(endpoint)?,
        Err(_) => sandbox_target().await?,
    };
    println!("Soracom API: {}", target.endpoint);

    let (api_key, token) = authenticate(&target).await?;
    let client = Client::builder()
        .server("simApi", &target.endpoint)
        .api_key("api_key", api_key)
        .api_key("api_token", token)
        .on_step(print_step)
        .build()?;

    match target.sim {
        Some(inputs) => {
            println!("\nregister-and-activate-sim (SIM {})", inputs.sim_id);
            let out = register_and_activate_sim(&client, inputs).await?;
            println!(
                "  => simId {}, status {}, groupId {}",
                out.sim_id, out.status, out.group_id
            );
        }
        None => println!(
            "\nregister-and-activate-sim: skipped (set SORACOM_SIM_ID, SORACOM_SIM_REGISTRATION_SECRET, SORACOM_GROUP_ID)"
        ),
    }
    match target.subscriber {
        Some(inputs) => {
            println!("\nregister-subscriber-to-group (IMSI {})", inputs.imsi);
            let out = register_subscriber_to_group(&client, inputs).await?;
            println!(
                "  => imsi {}, status {}, groupId {}",
                out.imsi, out.status, out.group_id
            );
        }
        None => println!(
            "\nregister-subscriber-to-group: skipped (set SORACOM_IMSI, SORACOM_IMSI_REGISTRATION_SECRET, SORACOM_GROUP_ID)"
        ),
    }
    Ok(())
}

fn print_step(event: &StepEvent) {
    let status = event
        .status
        .map_or_else(|| "no response".to_owned(), |s| s.to_string());
    println!(
        "  {:<20} {:<5} {:<45} {:>11}  {:>7.1} ms",
        event.step,
        event.method,
        event.path,
        status,
        event.elapsed.as_secs_f64() * 1000.0
    );
}

async fn sandbox_target() -> Result<Target, Box<dyn Error>> {
    let sandbox = arazzo_sandbox::start().await?;
    Ok(Target {
        endpoint: sandbox.base_url(),
        auth_key_id: fixtures::AUTH_KEY_ID.to_owned(),
        auth_key: fixtures::AUTH_KEY.to_owned(),
        sim: Some(RegisterAndActivateSimInputs {
            sim_id: fixtures::SIM_1.sim_id.to_owned(),
            registration_secret: fixtures::SIM_1.registration_secret.to_owned(),
            group_id: fixtures::GROUP_SENSORS.group_id.to_owned(),
        }),
        subscriber: Some(RegisterSubscriberToGroupInputs {
            imsi: fixtures::SUBSCRIBER_1.imsi.to_owned(),
            registration_secret: fixtures::SUBSCRIBER_1.registration_secret.to_owned(),
            group_id: fixtures::GROUP_TRACKERS.group_id.to_owned(),
        }),
        _sandbox: Some(sandbox),
    })
}

fn remote_target(endpoint: String) -> Result<Target, Box<dyn Error>> {
    let required = |name: &str| {
        env::var(name).map_err(|_| format!("{name} must be set with SORACOM_API_ENDPOINT"))
    };
    let optional = |name: &str| env::var(name).ok();
    let group = optional("SORACOM_GROUP_ID");
    let sim = match (
        optional("SORACOM_SIM_ID"),
        optional("SORACOM_SIM_REGISTRATION_SECRET"),
        &group,
    ) {
        (Some(sim_id), Some(registration_secret), Some(group_id)) => {
            Some(RegisterAndActivateSimInputs {
                sim_id,
                registration_secret,
                group_id: group_id.clone(),
            })
        }
        _ => None,
    };
    let subscriber = match (
        optional("SORACOM_IMSI"),
        optional("SORACOM_IMSI_REGISTRATION_SECRET"),
        &group,
    ) {
        (Some(imsi), Some(registration_secret), Some(group_id)) => {
            Some(RegisterSubscriberToGroupInputs {
                imsi,
                registration_secret,
                group_id: group_id.clone(),
            })
        }
        _ => None,
    };
    Ok(Target {
        endpoint: endpoint.trim_end_matches('/').to_owned(),
        auth_key_id: required("SORACOM_AUTH_KEY_ID")?,
        auth_key: required("SORACOM_AUTH_KEY")?,
        sim,
        subscriber,
        _sandbox: None,
    })
}

/// Soracom's `POST /auth`: an AuthKey pair in, an API key and token out.
async fn authenticate(target: &Target) -> Result<(String, String), Box<dyn Error>> {
    let body = serde_json::json!({ "authKeyId": target.auth_key_id, "authKey": target.auth_key });
    let response = arazzo_runtime::reqwest::Client::new()
        .post(format!("{}/auth", target.endpoint))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("POST /auth answered {status}").into());
    }
    let answer: serde_json::Value = serde_json::from_slice(&bytes)?;
    match (answer["apiKey"].as_str(), answer["token"].as_str()) {
        (Some(key), Some(token)) => Ok((key.to_owned(), token.to_owned())),
        _ => Err("POST /auth answered without apiKey and token".into()),
    }
}
