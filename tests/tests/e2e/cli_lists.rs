//! `techmatch import`, `export`, `match` and `search` as a bureau clerk uses them.

use super::{run, stdout};

const NEEDS_CSV: &str = "\
需求编号,需求名称,需求描述,关键词,所属领域,预算（万元）,合作方式,最低技术成熟度,企业名称
N-1,纳米碳酸钙表面改性,改善纳米碳酸钙在PVC中的分散性,纳米碳酸钙、表面改性,新材料,50-100,技术转让,6,晋阳华钙纳米材料有限公司
N-2,,缺少名称的行,,新材料,,,,
N-3,透水砖生产线,利用粉煤灰和煤矸石生产透水砖,粉煤灰、透水砖,火星产业,,,,晋阳建材有限公司
";

const ACHIEVEMENTS_JSONL: &str = r#"{"id":"A-1","title":"纳米碳酸钙湿法表面改性工艺","abstract":"硬脂酸钠湿法包覆纳米碳酸钙，分散性好，吸油值低。","keywords":["纳米碳酸钙","表面改性"],"field":"新材料","trl":7,"transfer_modes":["转让"],"price":"80","org_name":"华北材料科技大学"}
{"id":"A-2","title":"粉煤灰烧结透水砖","abstract":"粉煤灰与煤矸石烧结制备透水砖。","keywords":["粉煤灰","透水砖"],"field":"节能环保","trl":8,"org_name":"西部建材研究院"}
"#;

#[test]
fn import_reports_bad_rows_exports_round_trip_and_matches_explain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let needs = dir.path().join("needs.csv");
    std::fs::write(&needs, NEEDS_CSV).unwrap();
    let achievements = dir.path().join("achievements.jsonl");
    std::fs::write(&achievements, ACHIEVEMENTS_JSONL).unwrap();

    let imported = run(&data, &["import", "needs", needs.to_str().unwrap()]);
    assert_eq!(
        imported.status.code(),
        Some(3),
        "rejected rows make the exit code non-zero"
    );
    let report = stdout(&imported);
    assert!(
        report.contains("新增 1") && report.contains("拒绝 2"),
        "{report}"
    );
    assert!(
        report.contains("第 3 行") && report.contains("需求名称"),
        "{report}"
    );
    assert!(
        report.contains("第 4 行") && report.contains("火星产业"),
        "{report}"
    );

    let imported = run(
        &data,
        &["import", "achievements", achievements.to_str().unwrap()],
    );
    assert!(imported.status.success(), "{}", stdout(&imported));

    let again = run(
        &data,
        &[
            "import",
            "achievements",
            achievements.to_str().unwrap(),
            "--json",
        ],
    );
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );

    for format in ["csv", "xlsx", "jsonl"] {
        let file = dir.path().join(format!("export.{format}"));
        let exported = run(
            &data,
            &[
                "export",
                "achievements",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert!(exported.status.success());
        let back = run(
            &data,
            &["import", "achievements", file.to_str().unwrap(), "--json"],
        );
        assert!(back.status.success(), "{format}: {}", stdout(&back));
        let back: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
        assert_eq!(
            (
                back["created"].as_u64(),
                back["updated"].as_u64(),
                back["unchanged"].as_u64()
            ),
            (Some(0), Some(0), Some(2)),
            "{format}"
        );
    }
    let csv_out = run(&data, &["export", "needs", "--format", "csv"]);
    let text = stdout(&csv_out);
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("需求编号,需求名称,需求描述"),
        "{text}"
    );

    let matched = run(&data, &["match", "need", "N-1", "--json"]);
    assert!(
        matched.status.success(),
        "{}",
        String::from_utf8_lossy(&matched.stderr)
    );
    let matched: serde_json::Value = serde_json::from_slice(&matched.stdout).unwrap();
    assert_eq!(matched["matches"][0]["external_id"], "A-1");
    assert!(matched["matches"][0]["factors"].as_array().unwrap().len() >= 3);
    assert!(
        !matched["matches"][0]["matched_terms"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let trec = stdout(&run(
        &data,
        &["match", "--all-needs", "--top", "5", "--format", "trec"],
    ));
    let first = trec.lines().next().unwrap_or_default();
    assert_eq!(
        first.split_whitespace().take(4).collect::<Vec<_>>(),
        vec!["N-1", "Q0", "A-1", "1"],
        "{trec}"
    );

    let text = stdout(&run(&data, &["match", "achievement", "A-1"]));
    assert!(
        text.contains("纳米碳酸钙表面改性") && text.contains("得分构成"),
        "{text}"
    );

    let missing = run(&data, &["match", "need", "NOPE"]);
    assert!(!missing.status.success());

    let found = stdout(&run(&data, &["search", "achievements", "透水砖", "--json"]));
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found["hits"][0]["external_id"], "A-2");
}

#[test]
fn a_file_that_is_not_what_it_claims_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fake = dir.path().join("needs.xlsx");
    std::fs::write(&fake, "需求编号,需求名称,需求描述\nX-1,这其实是CSV\n").unwrap();
    let output = run(&data, &["import", "needs", fake.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".csv"), "{stderr}");
    let status = super::status_json(&data);
    assert_eq!(status["postings"]["need"]["database_total"], 0);

    let unknown = dir.path().join("needs.docx");
    std::fs::write(&unknown, "x").unwrap();
    assert_eq!(
        run(&data, &["import", "needs", unknown.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}
