//! The index catches up after the process is killed in the middle of an import.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{status_json, techmatch};

#[test]
fn an_import_killed_midway_leaves_whole_rows_and_the_next_start_catches_the_index_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("big.jsonl");
    let rows: u64 = 30_000;
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for i in 0..rows {
            writeln!(
                out,
                r#"{{"id":"K-{i}","title":"煤矸石综合利用技术第{i}号","abstract":"以煤矸石和粉煤灰为原料制备建材，编号{i}。","keywords":["煤矸石","粉煤灰"],"trl":{}}}"#,
                i % 9 + 1
            )
            .unwrap();
        }
    }
    // A first list, fully imported and indexed: the index has a position to resume from.
    let small = dir.path().join("small.jsonl");
    std::fs::write(
        &small,
        r#"{"id":"S-1","title":"煤层气抽采","abstract":"瓦斯抽采技术"}"#,
    )
    .unwrap();
    assert!(
        techmatch(&data)
            .args(["import", "achievements", small.to_str().unwrap()])
            .output()
            .unwrap()
            .status
            .success()
    );
    let before = status_json(&data);
    assert_eq!(before["index_current"], true, "{before}");

    let mut child = techmatch(&data)
        .args(["import", "achievements", file.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill once some batches are committed but (almost certainly) before the end.
    let started = Instant::now();
    let db_file = data.join("techmatch.db-wal");
    while started.elapsed() < Duration::from_secs(60) {
        if std::fs::metadata(&db_file)
            .map(|m| m.len() > 2_000_000)
            .unwrap_or(false)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The next start (any command) brings the index up to the database.
    let status = status_json(&data);
    let in_db = status["postings"]["achievement"]["database_total"]
        .as_u64()
        .unwrap();
    let in_index = status["postings"]["achievement"]["index_total"]
        .as_u64()
        .unwrap();
    assert!(in_db > 1, "some batches were committed before the kill");
    assert_eq!(
        (in_db - 1) % 500,
        0,
        "only whole batches of whole rows are committed: {in_db}"
    );
    assert_eq!(in_index, in_db, "{status}");
    assert_eq!(status["index_current"], true, "{status}");

    // Finishing the import afterwards completes the data without duplicates.
    let output = techmatch(&data)
        .args(["import", "achievements", file.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let status = status_json(&data);
    assert_eq!(
        status["postings"]["achievement"]["database_total"].as_u64(),
        Some(rows + 1)
    );
    assert_eq!(
        status["postings"]["achievement"]["index_total"].as_u64(),
        Some(rows + 1)
    );
}
