//! Confinement attacked as a hostile tree would: symlinks absolute and relative,
//! `..`, loops, and a directory swapped for a symlink to the outside — at the worst
//! moment of the walk (deterministically, through its step hook) and in a loop
//! against the kernel's resolution while reads run.

use super::*;
use std::os::unix::fs::symlink;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The text of the file `path` opened inside `root` (by the kernel, or by the walk).
fn read(root: &Root, path: &str, walk: bool) -> Result<String, Errno> {
    let fd = if walk {
        root.open_walking(path, OFlags::RDONLY | OFlags::CLOEXEC, &|_| {})?
    } else {
        root.open_in(path, OFlags::RDONLY)?
    };
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::fs::File::from(fd), &mut text).map_err(|_| Errno::IO)?;
    Ok(text)
}

fn both(root: &Root, path: &str) -> [Result<String, Errno>; 2] {
    [read(root, path, false), read(root, path, true)]
}

#[test]
fn absolute_symlinks_resolve_inside_the_root() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc/ssh"))?;
    std::fs::create_dir_all(root.join("srv/conf"))?;
    std::fs::write(root.join("srv/conf/sshd"), "Port 22\n")?;
    symlink("/srv/conf/sshd", root.join("etc/ssh/sshd_config"))?;
    let handle = Root::open(root)?;
    for got in both(&handle, "/etc/ssh/sshd_config") {
        assert_eq!(got, Ok("Port 22\n".to_string()));
    }
    Ok(())
}

#[test]
fn dotdot_and_symlinks_never_leave_the_root() -> std::io::Result<()> {
    let outside = tempfile::tempdir()?;
    std::fs::write(outside.path().join("passwd"), "OUTSIDE\n")?;
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc"))?;
    symlink("../../../../../../../../etc/passwd", root.join("etc/escape"))?;
    symlink(outside.path().join("passwd"), root.join("etc/absolute"))?;
    let handle = Root::open(root)?;
    for path in ["/etc/escape", "/../../etc/passwd", "/etc/absolute"] {
        for got in both(&handle, path) {
            assert_eq!(
                got,
                Err(Errno::NOENT),
                "{path} resolves inside the tree, where it is absent"
            );
        }
    }
    std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n")?;
    for got in both(&handle, "/etc/escape") {
        assert_eq!(got, Ok("root:x:0:0::/root:/bin/sh\n".to_string()));
    }
    Ok(())
}

#[test]
fn symlink_loops_are_reported() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    symlink("/b", dir.path().join("a"))?;
    symlink("/a", dir.path().join("b"))?;
    let handle = Root::open(dir.path())?;
    for got in both(&handle, "/a") {
        assert_eq!(got, Err(Errno::LOOP));
    }
    let (found, link) = handle.lstat("/a").map_err(std::io::Error::from)?;
    assert_eq!(FileType::from_raw_mode(found.st_mode), FileType::Symlink);
    assert_eq!(link.as_deref(), Some(&b"/b"[..]), "lstat does not follow the last link");
    Ok(())
}

/// The classic race, made deterministic: the walk has checked that `etc/ssh` is
/// a directory; before it opens it, `etc/ssh` becomes a symlink to a directory
/// outside the tree holding a planted sshd_config.
#[test]
fn a_directory_swapped_for_a_symlink_mid_walk_never_leads_outside() -> std::io::Result<()> {
    let outside = tempfile::tempdir()?;
    std::fs::write(outside.path().join("sshd_config"), "PLANTED OUTSIDE\n")?;
    let dir = tempfile::tempdir()?;
    let root = dir.path().to_path_buf();
    std::fs::create_dir_all(root.join("etc/ssh"))?;
    std::fs::write(root.join("etc/ssh/sshd_config"), "Port 22\n")?;
    let handle = Root::open(&root)?;
    let outside_path = outside.path().to_path_buf();
    let swap = |name: &str| {
        if name == "ssh" {
            let _ = std::fs::remove_dir_all(root.join("etc/ssh"));
            let _ = symlink(&outside_path, root.join("etc/ssh"));
        }
    };
    let opened = handle.open_walking("/etc/ssh/sshd_config", OFlags::RDONLY | OFlags::CLOEXEC, &swap);
    let read = opened.map(|fd| {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::fs::File::from(fd), &mut text);
        text
    });
    assert!(
        read.is_err(),
        "the swapped component is refused, not followed: {read:?}"
    );
    // And after the swap, the symlink is followed inside the root, where its
    // absolute target does not exist.
    assert_eq!(
        handle
            .open_walking("/etc/ssh/sshd_config", OFlags::RDONLY, &|_| {})
            .err(),
        Some(Errno::NOENT)
    );
    Ok(())
}

/// The same attack against the kernel's resolution, racing for real: one thread
/// exchanges `etc/ssh` (a directory) with a symlink to the outside in a loop while
/// reads run; no read may ever see the planted file.
#[test]
fn reads_racing_a_directory_swap_never_see_outside_the_root() -> std::io::Result<()> {
    let outside = tempfile::tempdir()?;
    std::fs::write(outside.path().join("sshd_config"), "PLANTED OUTSIDE\n")?;
    let dir = tempfile::tempdir()?;
    let root = dir.path().to_path_buf();
    std::fs::create_dir_all(root.join("etc/ssh"))?;
    std::fs::write(root.join("etc/ssh/sshd_config"), "Port 22\n")?;
    symlink(outside.path(), root.join("etc/swap"))?;
    let handle = Root::open(&root)?;
    let etc = rustix::fs::open(root.join("etc"), OFlags::PATH | OFlags::DIRECTORY, Mode::empty())?;
    let stop = Arc::new(AtomicBool::new(false));
    let (mut seen_inside, mut planted) = (0usize, 0usize);
    std::thread::scope(|scope| {
        let stop_swapping = stop.clone();
        scope.spawn(move || {
            let exchange = rustix::fs::RenameFlags::EXCHANGE;
            for _ in 0..200_000 {
                if stop_swapping.load(Ordering::Relaxed) {
                    break;
                }
                let _ = rustix::fs::renameat_with(&etc, "ssh", &etc, "swap", exchange);
            }
        });
        for _ in 0..20_000 {
            for walk in [false, true] {
                match read(&handle, "/etc/ssh/sshd_config", walk) {
                    Ok(text) if text.contains("PLANTED") => planted += 1,
                    Ok(_) => seen_inside += 1,
                    Err(_) => {}
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(planted, 0, "a read left the root");
    assert!(seen_inside > 0, "the race let some reads through, inside the root");
    Ok(())
}
