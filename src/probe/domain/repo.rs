//! The domain probes that read inside the Python application's directory:
//! `app_dependencies` (its manifests and lock files, requirements followed
//! through `-r`/`-c`), `app_pipelines` (its CI and tool configurations, and
//! whether it has tests) and `app_dotenv` (its .env files' metadata — never their
//! content — and the Git ignore rules and index that decide whether Git keeps
//! them), and `app_code` (its Python files, templates and text configurations).
//! Each is given the directory app discovery found.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{Params, ProbeType};
use crate::parse::app::{code, dotenv, manifests, pipelines, updates};

/// Where a plan made without reading looks for the app's manifests (the
/// folders app discovery searches).
macro_rules! in_app_folders {
    ($($file:literal),*) => {
        &[$(concat!("/srv/*/", $file), concat!("/var/www/*/", $file), concat!("/opt/*/", $file), concat!("/home/*/*/", $file)),*]
    };
}

pub static DEPENDENCIES: DomainDef = DomainDef {
    kind: ProbeType::AppDependencies,
    description: "the application's dependency manifests and lock files, requirements followed through -r and -c",
    params: &[],
    collect: Collect::App(collect_dependencies),
    stock: in_app_folders!(
        "requirements.txt",
        "requirements/*.txt",
        "constraints.txt",
        "pyproject.toml",
        "setup.cfg",
        "setup.py",
        "Pipfile",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "Pipfile.lock",
        ".github/dependabot.yml",
        ".github/dependabot.yaml"
    ),
};

pub static PIPELINES: DomainDef = DomainDef {
    kind: ProbeType::AppPipelines,
    description: "the application's CI and tool configurations (GitHub Actions, GitLab CI, CircleCI, Bitbucket, Jenkins, pre-commit, Makefile, tox, nox, ruff settings) and whether it has tests",
    params: &[],
    collect: Collect::App(collect_pipelines),
    stock: in_app_folders!(
        ".github/workflows/*.yml",
        ".github/workflows/*.yaml",
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "bitbucket-pipelines.yml",
        "Jenkinsfile",
        ".pre-commit-config.yaml",
        "Makefile",
        "tox.ini",
        "noxfile.py",
        "ruff.toml",
        ".ruff.toml"
    ),
};

pub static DOTENV: DomainDef = DomainDef {
    kind: ProbeType::AppDotenv,
    description:
        "the application's .env files (mode and owner, never their content), its .gitignore files and Git's index",
    params: &[],
    collect: Collect::App(collect_dotenv),
    // A grant names no .env file: their metadata comes from listing the folder.
    stock: in_app_folders!(".gitignore", ".git/info/exclude", ".git/index"),
};

pub static CODE: DomainDef = DomainDef {
    kind: ProbeType::AppCode,
    description: "the application's own code: its Python files, templates and text configurations (virtualenvs, node_modules, site-packages, caches and hidden folders left out), and the app's .env with every value that could be a secret redacted before it is kept",
    params: &[],
    collect: Collect::App(collect_code),
    // A plan made without reading names the top levels; the walk goes deeper.
    stock: in_app_folders!(
        "*.py",
        "*/*.py",
        "*/*/*.py",
        "templates/*.html",
        "*/templates/*.html",
        "*/templates/*/*.html",
        "*.cfg",
        "*.ini",
        "*.toml",
        "*.yaml",
        "*.yml",
        "*.json",
        "*.conf"
    ),
};

fn collect_code(source: &dyn Source, _params: &Params, dir: &str) {
    code::collect(source, dir);
}

fn collect_dependencies(source: &dyn Source, _params: &Params, dir: &str) {
    // The reads are the point: the source records them as evidence.
    let _ = manifests::read(source, dir);
    let _ = updates::find(source, &crate::parse::app::app_and_repo(source, dir));
}

fn collect_pipelines(source: &dyn Source, _params: &Params, dir: &str) {
    let _ = pipelines::read(source, dir, &crate::parse::app::app_and_repo(source, dir));
}

fn collect_dotenv(source: &dyn Source, _params: &Params, dir: &str) {
    let _ = dotenv::read(source, dir);
}
