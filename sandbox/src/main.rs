//! `arazzo-sandbox [--port N]`: runs the Soracom API sandbox until Ctrl-C and
//! prints its base URL and fixture credentials.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use arazzo_sandbox::fixtures;

const USAGE: &str = "\
Usage: arazzo-sandbox [--port N]

Runs a fake Soracom SIM/Subscriber/Group/Auth API on 127.0.0.1 until Ctrl-C.

Options:
  --port N    listen on port N (default 0: a random free port)
  -h, --help  print this help";

/// What the command line asked for.
enum Command {
    Serve { port: u16 },
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut port = 0;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => args
                .next()
                .ok_or_else(|| "--port needs a value".to_owned())?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument: {other}")),
            },
        };
        port = value
            .parse()
            .map_err(|_| format!("invalid port: {value}"))?;
    }
    Ok(Command::Serve { port })
}

fn print_banner(sandbox: &arazzo_sandbox::SandboxHandle) {
    let (api_key, token) = sandbox.issue_credentials();
    println!("arazzo-sandbox listening");
    println!("base URL:    {}", sandbox.base_url());
    println!("operator:    {}", fixtures::OPERATOR_ID);
    println!(
        "auth key:    authKeyId={} authKey={}",
        fixtures::AUTH_KEY_ID,
        fixtures::AUTH_KEY
    );
    println!(
        "root user:   email={} password={}",
        fixtures::OPERATOR_EMAIL,
        fixtures::OPERATOR_PASSWORD
    );
    println!("ready pair:  X-Soracom-API-Key: {api_key}");
    println!("             X-Soracom-Token: {token}");
    println!("cards (SIM ID / IMSI / registration secret / group):");
    for card in fixtures::CARDS {
        println!(
            "  {} / {} / {} / {}",
            card.sim_id,
            card.imsi,
            card.registration_secret,
            card.group_id.unwrap_or("-")
        );
    }
    let groups: Vec<&str> = fixtures::GROUPS.iter().map(|g| g.group_id).collect();
    println!("groups:      {}", groups.join(", "));
    println!("Press Ctrl-C to stop.");
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve { port }) => port,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("arazzo-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sandbox = match arazzo_sandbox::start_on(addr).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("arazzo-sandbox: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&sandbox);
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("arazzo-sandbox: cannot wait for Ctrl-C: {error}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_port_forms() {
        assert!(matches!(parse(&[]), Ok(Command::Serve { port: 0 })));
        assert!(matches!(
            parse(&["--port", "8080"]),
            Ok(Command::Serve { port: 8080 })
        ));
        assert!(matches!(
            parse(&["--port=9"]),
            Ok(Command::Serve { port: 9 })
        ));
        assert!(matches!(parse(&["--help"]), Ok(Command::Help)));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
