//! Table tests over realistic `RUN` bodies, many taken from the official images' idioms.

use super::image::{self, AptConfig, EnvValue};
use super::parse::{rpm_name_version, skeleton};
use super::tables::{BuildTool, RiskyPackage};
use super::*;
use crate::dockerfile::{BuildOptions, Dockerfile};
use crate::source::{FileId, FileKind, SourceFile};
use crate::syntax::{MappedText, dockerfile, shell};

fn parse(s: &str) -> Script {
    shell::parse(&MappedText::contiguous(s, 0))
}

/// `(manager, operation, subcommand)` of every invocation.
fn ops(s: &str) -> Vec<(Manager, Operation, String)> {
    let script = parse(s);
    invocations(&script)
        .iter()
        .map(|i| {
            (
                i.manager,
                i.operation,
                i.subcommand.map(|w| w.text.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

/// Packages of the first invocation as `name`, `name=version`, `?name` (unknown),
/// `local:…`, `remote:…`, `provider:…`, `group:…`.
fn pkgs(s: &str) -> Vec<String> {
    let script = parse(s);
    let invs = invocations(&script);
    let Some(first) = invs.into_iter().find(|i| !i.packages.is_empty()) else {
        return Vec::new();
    };
    first
        .packages
        .iter()
        .map(|p| match (p.kind, &p.version) {
            (PackageKind::Named, None) => p.name.clone(),
            (PackageKind::Named, Some(v)) => format!("{}={v}", p.name),
            (PackageKind::Unknown, None) => format!("?{}", p.name),
            (PackageKind::Unknown, Some(_)) => format!("?{}=", p.name),
            (PackageKind::Local, _) => format!("local:{}", p.word.text),
            (PackageKind::Remote, _) => format!("remote:{}", p.word.text),
            (PackageKind::Provider, _) => format!("provider:{}", p.word.text),
            (PackageKind::Group, _) => format!("group:{}", p.word.text),
        })
        .collect()
}

fn flags(s: &str) -> Flags {
    let script = parse(s);
    invocations(&script)
        .into_iter()
        .next()
        .map(|i| i.flags)
        .unwrap_or_default()
}

#[test]
fn managers_and_operations() {
    use Manager as M;
    use Operation as O;
    let table: &[(&str, M, O, &str)] = &[
        ("apt-get update", M::Apt, O::Refresh, "update"),
        ("apt-get -y install curl", M::Apt, O::Install, "install"),
        (
            "apt-get -o Acquire::GzipIndexes=false update",
            M::Apt,
            O::Refresh,
            "update",
        ),
        ("apt install -y nginx", M::Apt, O::Install, "install"),
        (
            "apt-get build-dep -y postgresql-common-dev",
            M::Apt,
            O::Install,
            "build-dep",
        ),
        (
            "apt-get dist-upgrade -y",
            M::Apt,
            O::Upgrade,
            "dist-upgrade",
        ),
        ("apt-get purge -y --auto-remove", M::Apt, O::Remove, "purge"),
        ("apt-get autoremove -y", M::Apt, O::Autoremove, "autoremove"),
        ("apt-get dist-clean", M::Apt, O::Clean, "dist-clean"),
        (
            "apt-mark auto '.*' > /dev/null",
            M::AptMark,
            O::MarkAuto,
            "auto",
        ),
        (
            "apt-mark manual $savedAptMark",
            M::AptMark,
            O::MarkManual,
            "manual",
        ),
        ("apk add --no-cache curl", M::Apk, O::Install, "add"),
        ("apk --no-cache add curl", M::Apk, O::Install, "add"),
        ("apk -X https://x/edge add curl", M::Apk, O::Install, "add"),
        ("apk del --no-network .build-deps", M::Apk, O::Remove, "del"),
        ("apk update", M::Apk, O::Refresh, "update"),
        ("apk --print-arch", M::Apk, O::Other, ""),
        ("yum -y install httpd", M::Yum, O::Install, "install"),
        ("yum update", M::Yum, O::Upgrade, "update"),
        ("yum makecache", M::Yum, O::Refresh, "makecache"),
        ("dnf in docker-ce", M::Dnf, O::Install, "in"),
        (
            "dnf --setopt=install_weak_deps=False -y install x",
            M::Dnf,
            O::Install,
            "install",
        ),
        (
            "dnf group install -y 'Development Tools'",
            M::Dnf,
            O::Install,
            "group",
        ),
        ("microdnf clean all", M::Microdnf, O::Clean, "clean"),
        (
            "zypper --non-interactive in curl",
            M::Zypper,
            O::Install,
            "in",
        ),
        (
            "zypper -n --root /x install curl",
            M::Zypper,
            O::Install,
            "install",
        ),
        ("zypper refresh", M::Zypper, O::Refresh, "refresh"),
        ("zypper cc -a", M::Zypper, O::Clean, "cc"),
        ("pacman -Syu --noconfirm", M::Pacman, O::Upgrade, "-Syu"),
        ("pacman -Sy", M::Pacman, O::Refresh, "-Sy"),
        ("pacman -S --noconfirm nginx", M::Pacman, O::Install, "-S"),
        ("pacman -Rns --noconfirm gcc", M::Pacman, O::Remove, "-Rns"),
        ("pacman -Scc --noconfirm", M::Pacman, O::Clean, "-Scc"),
        ("pip install flask", M::Pip, O::Install, "install"),
        ("pip3.12 install flask", M::Pip, O::Install, "install"),
        (
            "python3 -m pip install --upgrade pip",
            M::Pip,
            O::Install,
            "install",
        ),
        (
            "/usr/local/bin/python -u -m pip install x",
            M::Pip,
            O::Install,
            "install",
        ),
        (
            "pip --disable-pip-version-check install x",
            M::Pip,
            O::Install,
            "install",
        ),
        ("pip cache purge", M::Pip, O::Clean, "cache"),
        ("npm ci --omit=dev", M::Npm, O::Install, "ci"),
        ("npm i -g @angular/cli", M::Npm, O::Install, "i"),
        ("npm cache clean --force", M::Npm, O::Clean, "cache"),
        ("npm run build", M::Npm, O::Other, "run"),
        ("yarn", M::Yarn, O::Install, ""),
        ("yarn --frozen-lockfile", M::Yarn, O::Install, ""),
        ("yarn global add typescript", M::Yarn, O::Install, "global"),
        ("yarn cache clean", M::Yarn, O::Clean, "cache"),
        ("pnpm store prune", M::Pnpm, O::Clean, "store"),
        (
            "gem install bundler -v 2.5.0",
            M::Gem,
            O::Install,
            "install",
        ),
        (
            "go install golang.org/x/tools/gopls@latest",
            M::Go,
            O::Install,
            "install",
        ),
        ("cargo install ripgrep", M::Cargo, O::Install, "install"),
        (
            "poetry install --no-root --only main",
            M::Poetry,
            O::Install,
            "install",
        ),
        ("poetry add requests", M::Poetry, O::Install, "add"),
        // Wrappers.
        (
            "sudo -E apt-get install -y curl",
            M::Apt,
            O::Install,
            "install",
        ),
        (
            "env DEBIAN_FRONTEND=noninteractive apt-get install -y x",
            M::Apt,
            O::Install,
            "install",
        ),
        (
            "DEBIAN_FRONTEND=noninteractive apt-get install -y x",
            M::Apt,
            O::Install,
            "install",
        ),
        (
            "xargs -r apt-mark manual",
            M::AptMark,
            O::MarkManual,
            "manual",
        ),
    ];
    for (script, manager, op, sub) in table {
        assert_eq!(
            ops(script),
            vec![(*manager, *op, (*sub).to_owned())],
            "{script}"
        );
    }
    // Not package managers, or not run as one.
    for script in [
        "echo apt-get install curl",
        "python3 -c 'import pip'",
        "python3 setup.py install",
        "go build ./...",
        "go version",
        "cargo build --release",
        "poetry run pytest",
        "$PM install curl",
        "apt-cache policy curl",
    ] {
        assert!(ops(script).is_empty(), "{script}");
    }
    // Run, but neither installing nor asking.
    for script in [
        "apt-get install -s postgresql-17-jit",
        "apt-get --simulate install x",
        "yarn --version",
        "yarn -v",
        "pnpm",
    ] {
        assert!(
            ops(script).iter().all(|(_, op, _)| *op == Operation::Other),
            "{script}"
        );
    }
}

#[test]
fn packages_and_pins() {
    let table: &[(&str, &[&str])] = &[
        // apt
        (
            "apt-get install -y --no-install-recommends curl ca-certificates",
            &["curl", "ca-certificates"],
        ),
        (
            "apt-get install -y python=2.7 libc6-dev:amd64=2.36-9 nginx/bookworm-backports",
            &["python=2.7", "libc6-dev=2.36-9", "nginx"],
        ),
        (
            "apt-get install -y -t bookworm-backports golang",
            &["golang"],
        ),
        ("apt-get install -y -t python=2.7", &[]),
        (
            "apt-get install -y ./app.deb /tmp/x.deb",
            &["local:./app.deb", "local:/tmp/x.deb"],
        ),
        (
            "apt-get install -y $PHPIZE_DEPS \"postgresql-$PG_MAJOR=$PG_VERSION\" curl=$CURL_VERSION",
            &[
                "?$PHPIZE_DEPS",
                "?postgresql-$PG_MAJOR=$PG_VERSION=",
                "curl==$CURL_VERSION",
            ],
        ),
        (
            "apt-get -o APT::Install-Recommends=0 install -y tzdata",
            &["tzdata"],
        ),
        // apk
        (
            "apk add --no-cache --virtual .build-deps gcc make musl-dev",
            &["gcc", "make", "musl-dev"],
        ),
        (
            "apk add py-pip=7.1.2-r0 libstdc++==11.2.1-r2 curl~8 'tzdata>2024'",
            &[
                "py-pip=7.1.2-r0",
                "libstdc++=11.2.1-r2",
                "curl=8",
                "tzdata=2024",
            ],
        ),
        (
            "apk add -t .x so:libc.musl-x86_64.so.1 cmd:curl /tmp/a.apk vim@edge",
            &[
                "provider:so:libc.musl-x86_64.so.1",
                "provider:cmd:curl",
                "local:/tmp/a.apk",
                "vim",
            ],
        ),
        (
            "apk add --dir /dir libimagequant",
            &["local:/dir", "libimagequant"],
        ),
        // rpm
        (
            "dnf -y install httpd-2.24.2 java-11-openjdk gcc-c++ python3.11-pip",
            &[
                "httpd=2.24.2",
                "java-11-openjdk",
                "gcc-c++",
                "python3.11-pip",
            ],
        ),
        (
            "microdnf install -y openssl-libs-1:1.1.1k-6.el8_5.x86_64 zlib-1.2.11-18.el8_5.x86_64 bash.x86_64",
            &[
                "openssl-libs=1:1.1.1k-6.el8_5",
                "zlib=1.2.11-18.el8_5",
                "bash",
            ],
        ),
        (
            "yum install -y rethinkdb-$RETHINKDB_PACKAGE_VERSION https://x/y.rpm @development",
            &[
                "?rethinkdb-$RETHINKDB_PACKAGE_VERSION",
                "remote:https://x/y.rpm",
                "group:@development",
            ],
        ),
        ("dnf install -y 'nodejs >= 18'", &["nodejs=18"]),
        (
            "yum groupinstall -y 'Development Tools'",
            &["group:Development Tools"],
        ),
        // zypper
        (
            "zypper install -y httpd=2.4.46 curl",
            &["httpd=2.4.46", "curl"],
        ),
        (
            "zypper -n in -t pattern devel_basis",
            &["group:devel_basis"],
        ),
        (
            "zypper -n in pattern:devel_basis",
            &["group:pattern:devel_basis"],
        ),
        // pip
        (
            "pip install --no-cache-dir flask==3.0.3 'requests[socks]>=2.31' numpy",
            &["flask===3.0.3", "requests=>=2.31", "numpy"],
        ),
        (
            "pip install -r requirements.txt -c constraints.txt gunicorn",
            &["gunicorn=(constraints file)"],
        ),
        (
            "pip install . ./dist/app-1.0-py3-none-any.whl git+https://x/y@v1 'pkg @ https://x/p.zip'",
            &[
                "local:.",
                "local:./dist/app-1.0-py3-none-any.whl",
                "remote:git+https://x/y@v1",
                "remote:pkg @ https://x/p.zip",
            ],
        ),
        ("pip3 install requests=2.7.0", &["requests==2.7.0"]),
        (
            "pip install -e . --index-url https://pypi.example/simple uvicorn",
            &["uvicorn"],
        ),
        // npm
        (
            "npm install -g sax @angular/cli@17.3.0 @scope/pkg typescript@^5 left-pad@latest",
            &[
                "sax",
                "@angular/cli=17.3.0",
                "@scope/pkg",
                "typescript=^5",
                "left-pad",
            ],
        ),
        (
            "npm install git://github.com/npm/cli.git user/repo ./local file:../x x.tgz",
            &[
                "remote:git://github.com/npm/cli.git",
                "remote:user/repo",
                "local:./local",
                "local:file:../x",
                "local:x.tgz",
            ],
        ),
        ("yarn add react@18.3.1 lodash", &["react=18.3.1", "lodash"]),
        ("pnpm add -g pnpm@9.1.0 turbo", &["pnpm=9.1.0", "turbo"]),
        // gem
        ("gem install bundler:2.0.2 rake", &["bundler=2.0.2", "rake"]),
        (
            "gem install grpc -v ${GRPC_RUBY_VERSION}",
            &["grpc=${GRPC_RUBY_VERSION}"],
        ),
        ("gem install grpc -v 1.2 blunder", &["grpc", "blunder"]),
        (
            "gem install mysql2 -- --with-mysql-config=/usr/bin/mysql_config",
            &["mysql2"],
        ),
        // go, cargo
        (
            "go install golang.org/x/tools/gopls@v0.16.2 honnef.co/go/tools/cmd/staticcheck@latest github.com/x/y@3f2a9c1d",
            &[
                "golang.org/x/tools/gopls=v0.16.2",
                "honnef.co/go/tools/cmd/staticcheck",
                "github.com/x/y=3f2a9c1d",
            ],
        ),
        (
            "go install ./cmd/app example.com/tool",
            &["local:./cmd/app", "local:example.com/tool"],
        ),
        ("go get github.com/x/y", &["github.com/x/y"]),
        (
            "cargo install ripgrep cargo-audit@0.20.0",
            &["ripgrep", "cargo-audit=0.20.0"],
        ),
        (
            "cargo install --version 14.1.0 ripgrep",
            &["ripgrep=14.1.0"],
        ),
        (
            "cargo install --git https://github.com/x/y --rev 1a2b3c4",
            &["https://github.com/x/y=1a2b3c4"],
        ),
    ];
    for (script, expected) in table {
        let got = pkgs(script);
        let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(got, expected, "{script}");
    }
}

#[test]
fn non_interactive_flags() {
    let yes = |s: &str| flags(s).assume_yes;
    for s in [
        "apt-get install -y x",
        "apt-get -y install x",
        "apt-get install --yes x",
        "apt-get install --assume-yes x",
        "apt-get -qy install x",
        "apt-get -qq install x",
        "apt-get -q=2 install x",
        "apt-get --quiet=2 install x",
        "apt-get -q -q install x",
        "apt-get --quiet --quiet install x",
        "apt-get -o APT::Get::Assume-Yes=true install x",
        "yum -y install x",
        "yum install --assumeyes x",
        "dnf install -vy docker-ce",
        "dnf --setopt=assumeyes=True install x",
        "microdnf install x",
        "zypper -n install x",
        "zypper --non-interactive in x",
        "zypper install -y x",
        "zypper in --no-confirm x",
        "pacman -S --noconfirm x",
        "apk add x",
        "pip install x",
    ] {
        assert!(yes(s), "{s}");
    }
    for s in [
        "apt-get install x",
        "apt-get -q install x",
        "apt-get --quiet install x",
        "apt-get -o APT::Get::Assume-Yes=false install x",
        "DEBIAN_FRONTEND=noninteractive apt-get install x",
        "yum install x",
        "dnf in docker-ce",
        "zypper install x",
        // After the subcommand, `-n` is zypper's `--name`.
        "zypper install -n x",
        "pacman -S x",
    ] {
        assert!(!yes(s), "{s}");
    }
}

#[test]
fn apt_flags() {
    assert!(flags("apt-get install -y --no-install-recommends x").no_install_recommends);
    assert!(flags("apt-get -o APT::Install-Recommends=false install -y x").no_install_recommends);
    assert!(flags("apt-get -o apt::install-recommends=0 install -y x").no_install_recommends);
    assert!(flags("apt-get install --install-recommends=no -y x").no_install_recommends);
    assert!(!flags("apt-get install -y x").no_install_recommends);
    assert!(!flags("apt-get -o APT::Install-Recommends=true install -y x").no_install_recommends);
    assert!(flags("apt-get install --update -y x").refresh);
    assert!(!flags("apt-get install -y x").refresh);
    assert!(
        flags("apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false")
            .auto_remove
    );
    assert!(flags("apt-get remove -o APT::Get::AutomaticRemove=true -y gcc").auto_remove);
    assert!(!flags("apt-get purge -y gcc").auto_remove);
    assert!(flags("apt-get build-dep -y x").build_dep);
    assert!(flags("apt-mark auto '.*'").mark_all);
    assert!(flags("apt-mark auto $(apt-mark showmanual)").mark_all);
    assert!(!flags("apt-mark auto gcc").mark_all);
}

#[test]
fn other_flags() {
    assert!(flags("apk add --no-cache x").no_cache);
    assert!(flags("apk --no-cache add x").no_cache);
    assert!(flags("apk add --no-network --virtual .rundeps $runDeps").no_network);
    assert!(flags("apk add -U x").refresh);
    assert!(flags("apk add --update-cache x").refresh);
    assert!(flags("apk --update add x").refresh);
    assert!(!flags("apk add x").refresh);
    assert!(flags("dnf install --refresh -y x").refresh);
    assert!(flags("yum clean all").clean_all);
    assert!(!flags("yum clean packages").clean_all);
    assert!(flags("pip install --no-cache-dir x").no_cache);
    assert!(flags("pip --no-cache-dir install x").no_cache);
    assert!(flags("PIP_NO_CACHE_DIR=1 pip install x").no_cache);
    assert!(flags("env PIP_NO_CACHE_DIR=off pip install x").no_cache);
    assert!(!flags("pip install x").no_cache);
    assert!(flags("pip install -r requirements.txt").lock_file);
    assert!(flags("pip install --require-hashes -r req.txt").lock_file);
    assert!(flags("npm ci").lock_file);
    assert!(!flags("npm install").lock_file);
    assert!(flags("npm install --global x").global);
    assert!(flags("npm install --location=global x").global);
    assert!(flags("yarn install --frozen-lockfile").lock_file);
    assert!(flags("yarn install --immutable").lock_file);
    assert!(flags("pnpm install --frozen-lockfile").lock_file);
    assert!(flags("gem install -g Gemfile").lock_file);
    assert!(flags("poetry install --no-root").lock_file);
    assert!(!flags("poetry add x").lock_file);
    let script = parse("apk add --no-cache --virtual=.build-deps gcc");
    assert_eq!(
        invocations(&script)[0].virtual_name.as_deref(),
        Some(".build-deps")
    );
    let script = parse("apk add -t .fetch-deps gnupg");
    assert_eq!(
        invocations(&script)[0].virtual_name.as_deref(),
        Some(".fetch-deps")
    );
}

/// Whether each build tool installed by the script is removed later in it.
fn removal(s: &str) -> Vec<(String, bool)> {
    let script = parse(s);
    let run = RunPackages::new(&script);
    run.installed()
        .filter(|(i, p)| {
            i.manager.system().is_some()
                && p.kind == PackageKind::Named
                && build_tool(i.manager.system().unwrap_or(System::Apt), &p.name).is_some()
        })
        .map(|(i, p)| (p.name.clone(), run.removed_later(i, &p.name)))
        .collect()
}

fn all_removed(s: &str) -> bool {
    let r = removal(s);
    !r.is_empty() && r.iter().all(|(_, removed)| *removed)
}

fn none_removed(s: &str) -> bool {
    let r = removal(s);
    !r.is_empty() && r.iter().all(|(_, removed)| !*removed)
}

#[test]
fn official_apt_mark_idiom_removes_build_tools() {
    // redis (Debian), abbreviated.
    let redis = r#"set -eux;
savedAptMark="$(apt-mark showmanual)";
apt-get update;
apt-get install -y --no-install-recommends ca-certificates wget dpkg-dev gcc libc6-dev libssl-dev make;
rm -rf /var/lib/apt/lists/*;
make -C /usr/src/redis -j "$(nproc)" all;
apt-mark auto '.*' > /dev/null;
[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null;
find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $(NF-1) }' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual;
apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false;
redis-server --version"#;
    assert!(all_removed(redis));
    // postgres: `apt-mark showmanual | xargs apt-mark auto` inside a case branch, purge
    // inside an `if`.
    let postgres = r#"set -ex;
case "$dpkgArch" in
  amd64) echo "deb $aptRepo" > /etc/apt/sources.list.d/pgdg.list; apt-get update ;;
  *) savedAptMark="$(apt-mark showmanual)";
     apt-get update;
     apt-get install -y --no-install-recommends dpkg-dev;
     apt-get build-dep -y postgresql-common-dev;
     apt-mark showmanual | xargs apt-mark auto > /dev/null;
     apt-mark manual $savedAptMark;
     cd / ;;
esac;
apt-get install -y --no-install-recommends postgresql-common;
rm -rf /var/lib/apt/lists/*;
if [ -n "$tempDir" ]; then
  apt-get purge -y --auto-remove;
  rm -rf "$tempDir";
fi"#;
    assert!(all_removed(postgres));
    // `apt-get autoremove` after marking.
    assert!(all_removed(
        "apt-get install -y gcc make && make && apt-mark auto '.*' && apt-get autoremove -y"
    ));
}

#[test]
fn apt_mark_idiom_edge_cases() {
    // Marked manual again by name: kept.
    assert_eq!(
        removal(
            "apt-get install -y gcc make; apt-mark auto '.*'; apt-mark manual make; apt-get purge -y --auto-remove"
        ),
        vec![("gcc".to_owned(), true), ("make".to_owned(), false)]
    );
    // The snapshot is taken after the install, so `$saved` restores it.
    assert!(none_removed(
        "apt-get install -y gcc; saved=\"$(apt-mark showmanual)\"; apt-mark auto '.*'; apt-mark manual $saved; apt-get purge -y --auto-remove"
    ));
    // Marked automatic before the install: the install is manual again.
    assert!(none_removed(
        "apt-mark auto '.*'; apt-get install -y gcc; apt-get purge -y --auto-remove"
    ));
    // No autoremove after marking.
    assert!(none_removed("apt-get install -y gcc; apt-mark auto '.*'"));
    // Autoremove without marking removes nothing that was installed manually.
    assert!(none_removed(
        "apt-get install -y gcc; apt-get autoremove -y"
    ));
}

#[test]
fn explicit_removal_and_virtual_packages() {
    assert!(all_removed(
        "apt-get update && apt-get install -y gcc libpq-dev && pip install psycopg2 && apt-get purge -y gcc libpq-dev"
    ));
    assert_eq!(
        removal("apt-get install -y gcc make && apt-get remove -y gcc"),
        vec![("gcc".to_owned(), true), ("make".to_owned(), false)]
    );
    // php (Alpine), abbreviated: `$PHPIZE_DEPS` is unknown, the rest is removed with the
    // virtual package.
    assert!(all_removed(
        "set -eux; apk add --no-cache --virtual .build-deps $PHPIZE_DEPS argon2-dev curl-dev linux-headers; ./configure; make -j \"$(nproc)\"; make install; runDeps=\"$(scanelf --needed --nobanner --format '%n#p' --recursive /usr/local | tr ',' '\\n' | sort -u)\"; apk add --no-cache $runDeps; apk del --no-network .build-deps"
    ));
    assert!(all_removed(
        "apk add --virtual=.b gcc musl-dev && gcc -o x x.c && apk del .b"
    ));
    assert!(all_removed("apk add -t .b gcc && apk del gcc"));
    // Another virtual package is deleted.
    assert!(none_removed("apk add --virtual .b gcc && apk del .other"));
    // Removed before being installed.
    assert!(none_removed("apk del gcc; apk add gcc"));
    assert!(all_removed(
        "dnf install -y gcc && make && dnf remove -y gcc"
    ));
    assert!(all_removed("zypper -n in gcc && zypper -n rm gcc"));
    assert!(all_removed(
        "pacman -S --noconfirm base-devel && pacman -Rns --noconfirm base-devel"
    ));
    // Another manager's removal does not count.
    assert!(none_removed("apt-get install -y gcc && apk del gcc"));
}

/// The caches that commands of the script leave, in source order (first one per cache).
fn kept(s: &str) -> Vec<Cache> {
    let script = parse(s);
    let run = RunPackages::new(&script);
    let mut out: Vec<Cache> = Vec::new();
    for inv in &run.invocations {
        if let Some(cache) = inv.fills_cache() {
            if !run.cleaned_after(cache, inv.index()) && !out.contains(&cache) {
                out.push(cache);
            }
        }
    }
    out
}

#[test]
fn caches_and_cleanup() {
    use Cache as C;
    let table: &[(&str, &[Cache])] = &[
        ("apt-get update && apt-get install -y curl", &[C::AptLists]),
        (
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            &[],
        ),
        (
            "apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists",
            &[],
        ),
        (
            "apt-get update && apt-get install -y curl && rm -r /var/lib/apt/lists/",
            &[],
        ),
        (
            "apt-get update && apt-get install -y curl && apt-get dist-clean",
            &[],
        ),
        (
            "apt-get update && apt-get install -y curl && find /var/lib/apt/lists -type f -delete",
            &[],
        ),
        // `apt-get clean` empties the archives, not the lists.
        (
            "apt-get update && apt-get install -y curl && apt-get clean",
            &[C::AptLists],
        ),
        // No update in this RUN: no lists of its own.
        ("apt-get install -y curl", &[]),
        ("apt-get install --update -y curl", &[C::AptLists]),
        (
            "apt-get install --update -y curl && apt-get dist-clean",
            &[],
        ),
        // Cleaned first, then refreshed again.
        (
            "rm -rf /var/lib/apt/lists/* && apt-get update",
            &[C::AptLists],
        ),
        ("apk add curl", &[C::Apk]),
        ("apk add --update-cache curl", &[C::Apk]),
        ("apk add --no-cache curl", &[]),
        ("apk update && apk add --no-cache curl", &[C::Apk]),
        ("apk add curl && rm -rf /var/cache/apk/*", &[]),
        ("apk add --no-network --virtual .rundeps $runDeps", &[]),
        ("yum install -y httpd", &[C::Rpm]),
        ("yum install -y httpd && yum clean all", &[]),
        ("dnf install -y httpd && dnf clean all", &[]),
        ("dnf install -y httpd && dnf clean packages", &[C::Rpm]),
        ("microdnf install -y x && microdnf clean all", &[]),
        ("yum install -y x && rm -rf /var/cache/yum", &[]),
        ("dnf install -y x && rm -rf /var/cache/*", &[]),
        ("zypper -n in curl", &[C::Zypper]),
        ("zypper -n in curl && zypper clean", &[]),
        ("zypper -n in curl && zypper cc -a", &[]),
        ("pip install flask", &[C::Pip]),
        ("pip install --no-cache-dir flask", &[]),
        ("pip install flask && pip cache purge", &[]),
        ("pip install flask && rm -rf /root/.cache/pip", &[]),
        ("pip install flask && rm -rf ~/.cache", &[]),
        ("pip install flask && rm -rf $HOME/.cache/pip/*", &[]),
        ("pip install flask && rm -rf /root/.cache/other", &[C::Pip]),
        ("npm ci", &[C::Npm]),
        ("npm ci && npm cache clean --force", &[]),
        ("npm ci && rm -rf /root/.npm", &[]),
        ("yarn install --frozen-lockfile", &[C::Yarn]),
        ("yarn install --frozen-lockfile && yarn cache clean", &[]),
        ("pnpm install --frozen-lockfile && pnpm store prune", &[]),
        ("gem install bundler", &[]),
        // A cache directory chosen on the command line is the author's to manage.
        ("pip install --cache-dir /tmp/pip flask", &[]),
        ("npm ci --cache /tmp/npm", &[]),
        ("yarn install --cache-folder /tmp/yarn", &[]),
    ];
    for (script, expected) in table {
        assert_eq!(kept(script), expected.to_vec(), "{script}");
    }
}

#[test]
fn paths_covered() {
    assert!(dir_covered_by(
        Dir::Abs("/var/lib/apt/lists"),
        "/var/lib/apt/lists/*"
    ));
    assert!(dir_covered_by(
        Dir::Abs("/var/lib/apt/lists"),
        "/var/lib/apt"
    ));
    assert!(!dir_covered_by(
        Dir::Abs("/var/lib/apt/lists"),
        "/var/lib/apt/lists/partial"
    ));
    assert!(!dir_covered_by(Dir::Abs("/var/lib/apt/lists"), "/"));
    assert!(!dir_covered_by(Dir::Abs("/var/lib/apt/lists"), "/*"));
    assert!(!dir_covered_by(
        Dir::Abs("/var/lib/apt/lists"),
        "/var/lib/ap"
    ));
    assert!(dir_covered_by(Dir::Home(".cache/pip"), "/root/.cache/pip"));
    assert!(dir_covered_by(Dir::Home(".cache/pip"), "/home/app/.cache"));
    assert!(dir_covered_by(
        Dir::Home(".cache/pip"),
        "${HOME}/.cache/pip/"
    ));
    assert!(!dir_covered_by(Dir::Home(".cache/pip"), "/root"));
    assert!(!dir_covered_by(Dir::Home(".cache/pip"), "/tmp/.cache/pip"));
}

#[test]
fn yes_piped_in_and_exports() {
    let script = parse("yes | apt-get install x; export PIP_NO_CACHE_DIR=1; pip install y");
    let run = RunPackages::new(&script);
    assert!(run.fed_by_yes(run.invocations[0].index()));
    assert!(run.exported_before("PIP_NO_CACHE_DIR", run.invocations[1].index()));
    assert!(!run.exported_before("PIP_NO_CACHE_DIR", run.invocations[0].index()));
}

#[test]
fn apt_configuration_written_by_scripts() {
    let cfg = |s: &str| image::apt_config_in_script(&parse(s), usize::MAX);
    let no_rec = AptConfig {
        no_recommends: true,
        ..AptConfig::default()
    };
    assert_eq!(
        cfg("echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norecommends"),
        no_rec
    );
    assert_eq!(
        cfg(
            "printf 'APT::Install-Recommends \"0\";\\nAPT::Get::Assume-Yes \"true\";\\n' >> /etc/apt/apt.conf"
        ),
        AptConfig {
            no_recommends: true,
            assume_yes: true,
            unknown: false
        }
    );
    assert_eq!(
        cfg("echo 'APT::Install-Recommends \"false\";' | tee /etc/apt/apt.conf.d/01norec"),
        no_rec
    );
    assert_eq!(
        cfg(
            "{ echo 'APT::Install-Recommends \"false\";'; echo 'APT::Install-Suggests \"false\";'; } > /etc/apt/apt.conf.d/01x"
        ),
        no_rec
    );
    assert_eq!(
        cfg("cat <<'EOF' > /etc/apt/apt.conf.d/01x\nAPT::Install-Recommends \"false\";\nEOF\n"),
        no_rec
    );
    // Written elsewhere, or set to true.
    assert_eq!(
        cfg("echo 'APT::Install-Recommends \"false\";' > /tmp/x"),
        AptConfig::default()
    );
    assert_eq!(
        cfg("echo 'APT::Install-Recommends \"true\";' > /etc/apt/apt.conf.d/x"),
        AptConfig::default()
    );
    // Only commands before the given one count.
    let script = parse(
        "apt-get install x; echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/x",
    );
    assert_eq!(
        image::apt_config_in_script(&script, 0),
        AptConfig::default()
    );
}

fn with_df(src: &str, f: impl FnOnce(&Dockerfile<'_>)) {
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, src);
    let ast = dockerfile::parse(&file.text);
    let build = BuildOptions::default();
    let df = Dockerfile::analyse(&file, &ast, &build);
    f(&df);
}

#[test]
fn dockerfile_context() {
    let src = "FROM debian:12 AS base
RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec
ENV PIP_NO_CACHE_DIR=off
FROM base AS app
ARG NPM_TOKEN
RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked --mount=type=tmpfs,dst=/root/.cache apt-get update && apt-get install -y x
FROM debian:12
COPY <<EOF /etc/apt/apt.conf.d/01yes
APT::Get::Assume-Yes \"true\";
EOF
RUN apt-get install x
FROM debian:12
COPY apt.conf /etc/apt/apt.conf.d/
RUN apt-get install x
";
    with_df(src, |df| {
        let run = df.instr(5);
        assert_eq!(
            image::volatile_mount_targets(&run),
            vec!["/var/lib/apt/lists".to_owned(), "/root/.cache".to_owned()]
        );
        assert!(image::cache_mounted(&run, Cache::AptLists));
        assert!(image::cache_mounted(&run, Cache::Pip));
        assert!(!image::cache_mounted(&run, Cache::Apk));
        // ENV is inherited from the parent stage; ARG without default is unknown.
        assert_eq!(
            image::env_before(df, 5, "PIP_NO_CACHE_DIR"),
            Some(EnvValue::Set("off".to_owned()))
        );
        assert_eq!(
            image::env_before(df, 5, "NPM_TOKEN"),
            Some(EnvValue::Unknown)
        );
        assert_eq!(image::env_before(df, 1, "PIP_NO_CACHE_DIR"), None);
        assert_eq!(image::env_before(df, 8, "PIP_NO_CACHE_DIR"), None);
        // apt configuration from the parent stage, a COPY heredoc, a copied file.
        assert!(image::apt_config_before(df, 5).no_recommends);
        let heredoc = image::apt_config_before(df, 8);
        assert!(heredoc.assume_yes && !heredoc.no_recommends && !heredoc.unknown);
        assert!(image::apt_config_before(df, 11).unknown);
        assert_eq!(image::stage_chain(df, 1), vec![1, 0]);
    });
}

#[test]
fn env_values_in_one_pass_agree_with_the_per_instruction_answer() {
    let src = "ARG X=global
FROM python:3.12 AS base
ENV PIP_NO_CACHE_DIR=off X=a
ARG NPM_TOKEN
ARG X
RUN pip install a
ENV X=$NPM_TOKEN
FROM base AS app
ARG PIP_NO_CACHE_DIR=1 Y
RUN pip install b
ENV PIP_NO_CACHE_DIR=
FROM python:3.12
ARG NPM_TOKEN=literal
RUN pip install c
ARG Y
FROM app
RUN pip install d
";
    for build_args in [vec![], vec![("Y", "from-cli"), ("NPM_TOKEN", "cli")]] {
        let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, src);
        let ast = dockerfile::parse(&file.text);
        let build = BuildOptions {
            args: build_args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..BuildOptions::default()
        };
        let df = Dockerfile::analyse(&file, &ast, &build);
        let mut differ = std::collections::BTreeSet::new();
        for name in ["PIP_NO_CACHE_DIR", "NPM_TOKEN", "X", "Y", "NOPE"] {
            let all = image::env_values_before(&df, name);
            for (i, value) in all.iter().enumerate() {
                assert_eq!(*value, image::env_before(&df, i, name), "{name} at {i}");
                differ.insert(format!("{value:?}"));
            }
        }
        assert!(differ.len() >= 4, "{differ:?}");
    }
}

#[test]
fn apt_configs_in_one_pass_agree_with_the_per_command_answer() {
    let src = "FROM debian:12 AS base
RUN apt-get install a && echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/1 && apt-get install b
FROM base AS app
RUN apt-get install c; { echo 'APT::Get::Assume-Yes \"1\";'; } > /etc/apt/apt.conf.d/2; apt-get install d
FROM debian:12
RUN apt-get install e
COPY <<EOF /etc/apt/apt.conf.d/01yes
APT::Get::Assume-Yes \"true\";
EOF
RUN apt-get install f && echo x | tee /etc/apt/apt.conf.d/3 && apt-get install g
FROM app
COPY apt.conf /etc/apt/apt.conf.d/
RUN apt-get install h
";
    with_df(src, |df| {
        let mut apt = image::AptConfigs::default();
        let all = image::apt_configs_before(df);
        let mut asked = 0;
        for instr in df.instructions() {
            assert_eq!(all[instr.index], image::apt_config_before(df, instr.index));
            let Some(script) = instr.script() else {
                continue;
            };
            let run = RunPackages::new(script);
            for inv in &run.invocations {
                asked += 1;
                assert_eq!(
                    apt.at(df, instr.index, &run, inv.index()),
                    image::apt_config_at(df, instr.index, &run, inv.index()),
                    "{} command {}",
                    instr.index,
                    inv.index()
                );
            }
        }
        assert_eq!(asked, 8);
        // The answers differ along the file (the test would pass on constant answers
        // otherwise).
        let run = RunPackages::new(df.instr(1).script().unwrap());
        let (first, last) = (&run.invocations[0], &run.invocations[1]);
        assert!(!apt.at(df, 1, &run, first.index()).no_recommends);
        assert!(apt.at(df, 1, &run, last.index()).no_recommends);
        assert!(all[10].unknown && all[10].no_recommends && all[10].assume_yes);
    });
}

#[test]
fn rpm_versions() {
    for (text, name, version) in [
        ("httpd-2.4.6", "httpd", Some("2.4.6")),
        ("httpd", "httpd", None),
        ("java-11-openjdk", "java-11-openjdk", None),
        ("java-1.8.0-openjdk-devel", "java-1.8.0-openjdk-devel", None),
        (
            "zlib-1.2.11-18.el8_5.x86_64",
            "zlib",
            Some("1.2.11-18.el8_5"),
        ),
        (
            "openssl-libs-1:1.1.1k-6.el8_5",
            "openssl-libs",
            Some("1:1.1.1k-6.el8_5"),
        ),
        ("bash.noarch", "bash", None),
        ("python3.11", "python3.11", None),
        (
            "kernel-devel-5.14.0-427.el9",
            "kernel-devel",
            Some("5.14.0-427.el9"),
        ),
        ("-1.0", "-1.0", None),
        ("", "", None),
    ] {
        assert_eq!(rpm_name_version(text), (name, version), "{text}");
    }
}

#[test]
fn expansions_in_words() {
    assert_eq!(skeleton("a$B-c${D:-x}e$(f g)`h`$1$@"), "a\0-c\0e\0\0\0\0");
    assert_eq!(skeleton("plain=1.0"), "plain=1.0");
    assert_eq!(skeleton("${unterminated"), "\0");
    assert_eq!(skeleton("$"), "$");
}

#[test]
fn build_tool_table() {
    use BuildTool as B;
    let table: &[(System, &str, Option<BuildTool>)] = &[
        (System::Apt, "gcc", Some(B::Compiler)),
        (System::Apt, "gcc-12", Some(B::Compiler)),
        (System::Apt, "g++", Some(B::Compiler)),
        (System::Rpm, "gcc-c++", Some(B::Compiler)),
        (System::Apt, "clang-17", Some(B::Compiler)),
        (System::Apt, "build-essential", Some(B::MetaPackage)),
        (System::Apk, "build-base", Some(B::MetaPackage)),
        (System::Apk, "alpine-sdk", Some(B::MetaPackage)),
        (System::Apt, "make", Some(B::BuildSystem)),
        (System::Apt, "cmake", Some(B::BuildSystem)),
        (System::Apt, "pkg-config", Some(B::BuildSystem)),
        (System::Apk, "pkgconf", Some(B::BuildSystem)),
        (System::Apt, "libpq-dev", Some(B::Headers)),
        (System::Apk, "musl-dev", Some(B::Headers)),
        (System::Rpm, "openssl-devel", Some(B::Headers)),
        (System::Apk, "linux-headers", Some(B::Headers)),
        (System::Apt, "git", Some(B::VersionControl)),
        (System::Apt, "golang-go", Some(B::Toolchain)),
        (System::Apk, "go", Some(B::Toolchain)),
        (System::Apt, "openjdk-17-jdk-headless", Some(B::Toolchain)),
        (System::Apk, "openjdk21", Some(B::Toolchain)),
        (System::Apt, "cargo", Some(B::Toolchain)),
        (System::Apt, "maven", Some(B::Toolchain)),
        // Runtimes and look-alikes.
        (System::Apt, "gcc-12-base", None),
        (System::Apt, "libgcc-s1", None),
        (System::Apt, "openjdk-17-jre-headless", None),
        (System::Apk, "openjdk21-jre", None),
        (System::Apt, "go", None),
        (System::Apt, "udev", None),
        (System::Apt, "makedev", None),
        (System::Apt, "git-lfs", None),
        (System::Apt, "clang-format", None),
        (System::Apt, "curl", None),
    ];
    for (system, name, expected) in table {
        assert_eq!(build_tool(*system, name), *expected, "{name}");
    }
}

#[test]
fn risky_package_table() {
    use RiskyPackage as R;
    let table: &[(System, &str, Option<RiskyPackage>)] = &[
        (System::Apt, "sudo", Some(R::PrivilegeEscalation)),
        (System::Apt, "openssh-server", Some(R::RemoteShellServer)),
        (System::Apt, "ssh", Some(R::RemoteShellServer)),
        (System::Apk, "openssh", Some(R::RemoteShellServer)),
        (System::Apk, "dropbear", Some(R::RemoteShellServer)),
        (System::Apt, "telnet", Some(R::Telnet)),
        (System::Apt, "netcat-openbsd", Some(R::Netcat)),
        (System::Apt, "netcat", Some(R::Netcat)),
        (System::Pacman, "openbsd-netcat", Some(R::Netcat)),
        (System::Rpm, "nmap-ncat", Some(R::Netcat)),
        (System::Rpm, "nmap", Some(R::Scanner)),
        (System::Apt, "tcpdump", Some(R::PacketCapture)),
        (System::Apt, "gdb", Some(R::Debugger)),
        (System::Apt, "strace", Some(R::Debugger)),
        // Clients and look-alikes.
        (System::Apt, "openssh-client", None),
        (System::Rpm, "openssh", None),
        (System::Apk, "ssh", None),
        (System::Apt, "sudo-ldap-doc", None),
        (System::Apt, "libpcap0.8", None),
        (System::Apt, "gdbm", None),
    ];
    for (system, name, expected) in table {
        assert_eq!(risky_package(*system, name), *expected, "{name}");
    }
}

#[test]
fn invocation_span_and_display() {
    let src = "sudo apt-get -y install curl";
    let script = parse(src);
    let inv = &invocations(&script)[0];
    assert_eq!(&src[inv.span().range()], "apt-get -y install");
    assert_eq!(inv.display(), "apt-get install");
    let src = "python3 -m pip install x";
    let script = parse(src);
    let inv = &invocations(&script)[0];
    assert_eq!(&src[inv.span().range()], "pip install");
    assert_eq!(inv.display(), "pip install");
}

#[test]
fn heredoc_and_sh_c_bodies_are_seen() {
    assert_eq!(
        ops("sh -c 'apt-get update && apt-get install -y curl'").len(),
        2
    );
    assert_eq!(ops("bash <<EOF\napk add --no-cache curl\nEOF\n").len(), 1);
}

#[test]
fn hostile_input_does_not_panic() {
    for s in [
        "apt-get",
        "apt-get -o",
        "apt-get install -t",
        "apk add --virtual",
        "pip install -r",
        "python3 -m",
        "zypper -n",
        "pacman -",
        "npm install @",
        "npm install @@@",
        "gem install -v",
        "go install @v1",
        "cargo install --git",
        "dnf install '>='",
        "apt-get install =1.0 -",
        "apk add '=' '~' '<'",
        "yum install -",
        "pip install '[x]==1' ';' '=='",
    ] {
        let script = parse(s);
        let run = RunPackages::new(&script);
        for (i, p) in run.installed() {
            let _ = run.removed_later(i, &p.name);
        }
        let _ = run.cleaned_after(Cache::Pip, 0);
    }
}

#[test]
fn rules_on_hostile_dockerfiles_do_not_panic() {
    let sources = [
        "FROM a AS a\nFROM a AS b\nFROM b\nRUN apt-get update\nRUN apt-get install x\n",
        "FROM $X\nRUN --mount=type=cache apk add\nCOPY --from= / /\n",
        "FROM scratch\nCOPY --from=0 / /\nRUN [\"apt-get\"]\n",
        "RUN apt-get update\nFROM a\n",
        "FROM a\nRUN --mount=type=cache,target= --mount=,,, --mount apt-get update\n",
        "FROM a\nRUN <<EOF\napt-get install $(\nEOF\n",
        "FROM a\nRUN apt-get install 'x=' '=' ./ / && apt-mark auto && apt-get purge --auto-remove\n",
        "FROM a\nCOPY <<EOF /etc/apt/apt.conf.d/x\nAPT::Install-Recommends\nEOF\nRUN apt-get install -y x\n",
        "FROM golang\nRUN make\nRUN go build && npm run && yarn && pnpm\n",
        "FROM a\nRUN pip install --no-cache-dir -r\nENV PIP_NO_CACHE_DIR\nRUN pip install x\n",
    ];
    let codes = [
        "SW401", "SW402", "SW403", "SW404", "SW405", "SW406", "SW407", "SW408", "SW507", "SW813",
    ];
    for src in sources {
        let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, src);
        for code in codes {
            let settings = crate::settings::Settings::for_rule(code);
            let _ = crate::engine::check_dockerfile(&file, &settings);
        }
    }
}
