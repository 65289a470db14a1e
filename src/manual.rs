//! Shell completions and man pages, generated from the command line's own
//! definition so they never drift from `--help`.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The completion script for `shell`, for the command `cmd`.
pub fn completions(shell: clap_complete::Shell, cmd: &mut clap::Command, out: &mut dyn Write) -> Result<()> {
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, name.as_str(), &mut script);
    if shell == clap_complete::Shell::Bash {
        script = bash_fixed(&script, &name);
    }
    out.write_all(&script).context("writing the completion script")
}

/// clap_complete 4.6 labels a hyphenated command's subcommand states
/// `skills__subcmd__atlas__...` where its dispatch loop says
/// `skills__atlas__...`, so no option after a subcommand ever completes
/// (clap-rs/clap#6421): spell the labels as the loop does.
fn bash_fixed(script: &[u8], name: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    let state = name.replace('-', "__");
    let wrong = name.replace('-', "__subcmd__");
    if state == wrong {
        return script.to_vec();
    }
    text.replace(&format!("{wrong}__subcmd__"), &format!("{state}__subcmd__")).into_bytes()
}

/// The man page (roff) of `cmd`, or of its subcommand `sub`.
pub fn man_page(cmd: clap::Command, sub: Option<&str>, out: &mut dyn Write) -> Result<()> {
    let mut cmd = prepared(cmd);
    if let Some(name) = sub {
        let Some(found) = cmd.find_subcommand_mut(name) else {
            bail!("no subcommand {name:?}; `{} --help` lists them", cmd.get_name());
        };
        cmd = found.clone();
    }
    clap_mangen::Man::new(cmd).render(out).context("writing the man page")
}

/// One page per command (`skills-atlas.1`, `skills-atlas-build.1`, ...)
/// into `dir`, created if missing; returns the files written.
pub fn man_pages_to(cmd: clap::Command, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let cmd = prepared(cmd);
    let mut pages = vec![cmd.clone()];
    pages.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    pages
        .into_iter()
        .map(|page| {
            let man = clap_mangen::Man::new(page);
            man.generate_to(dir).with_context(|| format!("writing {}", dir.join(man.get_filename()).display()))
        })
        .collect()
}

/// Built, so subcommands carry their full names (`skills-atlas-build`),
/// without clap's `help` subcommand.
fn prepared(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}
