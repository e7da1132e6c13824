//! `techmatch backup` under write load and `techmatch restore`, and a data directory the
//! platform cannot write.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::{run, start, status_json};

/// Every row of every table, in a stable order: two databases with the same dump hold
/// the same data.
pub(crate) async fn dump(file: &Path) -> Vec<String> {
    let conn = super::read_only_sqlite(file).await;
    let tables: Vec<String> = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap_or_default())
        .collect();
    let mut lines = Vec::new();
    for table in tables {
        // quote() renders any column type as SQL text; rows in rowid order.
        let columns: Vec<String> = conn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).unwrap_or_default())
            .collect();
        let row_text = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows = conn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT '{table}:' || {row_text} FROM \"{table}\" ORDER BY 1"),
            ))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        lines.extend(
            rows.iter()
                .map(|row| row.try_get_by_index::<String>(0).unwrap_or_default()),
        );
    }
    conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    lines
}

#[tokio::test]
async fn a_backup_under_write_load_restores_to_an_identical_database() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start(&data);
    // Writers keep importing lists through the command line while the backup runs.
    let writing = Arc::new(AtomicBool::new(true));
    let batches = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (writing, batches, data) = (writing.clone(), batches.clone(), data.clone());
        let list = dir.path().join("list.jsonl");
        std::thread::spawn(move || {
            let mut round = 0;
            while writing.load(Ordering::SeqCst) {
                let rows: String = (0..200)
                    .map(|i| {
                        format!(
                            "{{\"id\":\"B-{round}-{i}\",\"title\":\"备份期间写入的成果{round}-{i}\",\"abstract\":\"煤矸石综合利用\"}}\n"
                        )
                    })
                    .collect();
                std::fs::write(&list, rows).unwrap_or_else(|e| panic!("{e}"));
                let output = run(
                    &data,
                    &["import", "achievements", list.to_str().unwrap_or_default()],
                );
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                batches.fetch_add(1, Ordering::SeqCst);
                round += 1;
            }
        })
    };
    while batches.load(Ordering::SeqCst) < 2 {
        std::thread::sleep(Duration::from_millis(50));
    }
    let backup = dir.path().join("techmatch-backup.db");
    let output = run(&data, &["backup", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let during = batches.load(Ordering::SeqCst);
    while batches.load(Ordering::SeqCst) < during + 2 {
        std::thread::sleep(Duration::from_millis(50));
    }
    writing.store(false, Ordering::SeqCst);
    writer
        .join()
        .unwrap_or_else(|_| panic!("the writer failed"));
    drop(server);

    // A second backup to the same file is refused rather than overwriting it.
    let again = run(&data, &["backup", backup.to_str().unwrap_or_default()]);
    assert!(!again.status.success());

    // The backup is one instant of the database: whole import batches only.
    let snapshot = dump(&backup).await;
    let imported = snapshot
        .iter()
        .filter(|line| line.starts_with("achievements:") && line.contains("备份期间写入的成果"))
        .count();
    assert!(
        imported > 0 && imported % 200 == 0,
        "{imported} rows in the backup"
    );
    let live = status_json(&data)["postings"]["achievement"]["database_total"]
        .as_u64()
        .unwrap_or_default();
    assert!(
        (imported as u64) < live,
        "writes went on after the backup: {imported} vs {live}"
    );

    // Restored into a fresh directory it is the same database, and the index is rebuilt.
    let restored = dir.path().join("restored");
    let output = run(&restored, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(dump(&restored.join("techmatch.db")).await, snapshot);
    let status = run(&restored, &["status", "--verify"]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );

    // Restoring over the live directory brings it back to the backup too.
    let output = run(&data, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(dump(&data.join("techmatch.db")).await, snapshot);

    // Something that is not a backup is refused, and the data directory is left alone.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap_or_else(|e| panic!("{e}"));
    let output = run(&data, &["restore", junk.to_str().unwrap_or_default()]);
    assert!(!output.status.success());
    assert_eq!(dump(&data.join("techmatch.db")).await, snapshot);
}

#[tokio::test]
async fn restore_refuses_while_a_server_uses_the_data_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start(&data);
    let backup = dir.path().join("b.db");
    assert!(
        run(&data, &["backup", backup.to_str().unwrap_or_default()])
            .status
            .success()
    );
    let output = run(&data, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stop it before restoring"), "{stderr}");
    drop(server);

    // A notification worker, which opens the database but not the index, counts too.
    let mut worker = super::techmatch(&data)
        .arg("worker")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = worker.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let started = std::io::BufRead::lines(std::io::BufReader::new(stdout))
        .map_while(Result::ok)
        .any(|line| line == "techmatch worker: delivering");
    assert!(started, "the worker started");
    let output = run(&data, &["restore", backup.to_str().unwrap_or_default()]);
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(!output.status.success(), "restored under a running worker");
    // Once everyone has stopped, the restore goes through.
    let output = run(&data, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A full disk and a read-only data directory, made real with small tmpfs mounts when
/// the tests run as root (as CI does); elsewhere there is nothing to mount and the
/// test says so.
#[test]
fn a_full_or_read_only_data_directory_is_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mount = |path: &Path, options: &str| {
        std::fs::create_dir_all(path).unwrap_or_else(|e| panic!("{e}"));
        std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    };
    let full = dir.path().join("full");
    let read_only = dir.path().join("ro");
    if !mount(&full, "size=64k") || !mount(&read_only, "ro,size=64k") {
        eprintln!("skipping: cannot mount tmpfs here (not root)");
        return;
    }
    // Fill the small disk.
    let _ = std::fs::write(full.join("filler"), vec![0_u8; 128 * 1024]);
    for data in [&full, &read_only] {
        let output = run(data, &["status"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{}", data.display());
        assert!(
            stderr.contains("is not writable") && !stderr.contains("panicked"),
            "{}: {stderr}",
            data.display()
        );
    }
    for path in [&full, &read_only] {
        let _ = std::process::Command::new("umount").arg(path).status();
    }
}
