//! Redaction attacked with the secrets that leaked before and the configuration
//! that must stay readable: every secret gone whole, every verdict-bearing value
//! kept.

use super::*;

#[test]
fn secrets_keep_their_shape_with_a_short_hash() {
    let r = redact("SECRET_KEY = \"hunter2-very-secret\"\nDEBUG = False\n");
    assert_eq!(r.count, 1);
    assert!(r.text.starts_with("SECRET_KEY = \"[REDACTED:hmac="), "{}", r.text);
    assert!(!r.text.contains("hunter2"));
    assert!(r.text.contains("DEBUG = False"));
    let again = redact("OTHER_PASSWORD='hunter2-very-secret'");
    assert_eq!(
        again.text.split("hmac=").nth(1).map(|s| &s[..8]),
        r.text.split("hmac=").nth(1).map(|s| &s[..8])
    );
}

#[test]
fn url_passwords_private_keys_and_tokens_are_removed() {
    let text = "DATABASE_URL=postgres://shop:s3cr3tpw@db.internal:5432/shop\n\
                -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n\
                aws AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123456789\n";
    let r = redact(text);
    for secret in [
        "s3cr3tpw",
        "b3BlbnNzaC1rZXktdjEAAAAA",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_abcdefghij",
    ] {
        assert!(!r.text.contains(secret), "{secret} leaked: {}", r.text);
    }
    assert_eq!(r.count, 4);
    assert!(r.text.contains("postgres://shop:[REDACTED:hmac="));
    assert!(r.text.contains("-----BEGIN OPENSSH PRIVATE KEY-----"));
}

#[test]
fn configuration_without_secrets_is_untouched() {
    let text = "PasswordAuthentication no\nPermitRootLogin prohibit-password\nPermitEmptyPasswords=no\n\
                KbdInteractiveAuthentication no\nss -tlnpH\nUnattended-Upgrade::Mail \"root\";\n\
                token_lifetime: 3600\nPASSWORD_HASHER=${HASHER}\n";
    assert_eq!(
        redact(text),
        Redacted {
            text: text.to_string(),
            count: 0
        }
    );
}

#[test]
fn names_next_to_other_letters_are_still_names() {
    for text in ["clé_api_key = \"hunter2hunter2\"", "données.password=hunter2hunter2"] {
        let r = redact(text);
        assert_eq!(r.count, 1, "{text}: {}", r.text);
        assert!(!r.text.contains("hunter2"), "{}", r.text);
    }
}

#[test]
fn sudo_tags_and_nsswitch_databases_are_not_secrets() {
    let text = "deploy ALL=(ALL) NOPASSWD: SETENV: ALL\n%ops ALL=(root) NOPASSWD: EVERYTHING\n\
                alice ALL=(ALL) PASSWD: /usr/bin/systemctl restart app\npasswd:         files systemd\n";
    assert_eq!(
        redact(text),
        Redacted {
            text: text.to_string(),
            count: 0
        }
    );
}

#[test]
fn unquoted_secrets_in_cron_env_and_yaml_are_removed() {
    let text = "0 3 * * * root PGPASSWORD=hunter2hunter2 pg_dump -h db shop\n\
                0 4 * * * root mysqldump -uroot -pS3cretPassw0rd shop > /b/m.sql\n\
                export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n\
                api_key: 0123456789abcdef0123456789abcdef\n\
                Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig\n";
    let r = redact(text);
    for secret in [
        "hunter2hunter2",
        "S3cretPassw0rd",
        "wJalrXUtnFEMIK7MDENG",
        "0123456789abcdef0123",
        "eyJhbGciOiJIUzI1NiJ9",
    ] {
        assert!(!r.text.contains(secret), "{secret} leaked:\n{}", r.text);
    }
    assert_eq!(r.count, 5, "{}", r.text);
    assert!(r.text.contains("root PGPASSWORD=[REDACTED:hmac="), "{}", r.text);
    assert!(
        r.text.contains("pg_dump -h db shop"),
        "the command stays readable: {}",
        r.text
    );
}

/// Each secret is gone from the output, and so is every piece of it.
fn assert_gone(text: &str, secrets: &[&str]) -> String {
    let out = redact(text).text;
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(6) {
            let piece: String = window.iter().collect();
            assert!(
                !out.contains(&piece),
                "a piece `{piece}` of `{secret}` is left in:\n{out}"
            );
        }
    }
    out
}

#[test]
fn the_secrets_that_leaked_before_are_gone_whole() {
    let text = "ufw comment: db-pass=Zq8Wm2Lx9Pv\n\
        URL=https://deploy:p4ss/w0rd+x@git.example.com/repo.git\n\
        https://:Emp7yUserPw9@api.example.com/\n\
        rsync -a /b backup:R5yncSecr3tPw@backup.example.com:/srv\n\
        curl -u admin:Cu7lPassw0rdX https://example.com/api\n\
        restic --password Re5ticPassW0rd backup /srv\n\
        rclone sync /b r: --s3-secret-access-key Rc10neSecretKeyXYZ\n\
        BORG_PASSPHRASE=B0rgPassphraseXy\n\
        MYSQL_PWD=MysqlPwdSecret7\n\
        DB_PASS=DbPa55wordQw\n\
        mysqldump -uroot -p\"Qu0tedMysqlPw\" shop\n\
        aws ASIAIOSFODNN7EXAMPLE temp key\n\
        ghs_0123456789abcdefghijklmnopqrstuvwxyzAB and ghu_0123456789abcdefghijklmnopqrstuvwxyzAB\n\
        glpat-Abcdefghij0123456789xyz\n\
        https://hooks.slack.com/services/T0000/B0000/XXXXXXXXslackXXXXXXXX\n\
        Authorization: Basic ZGVwbG95OmJhc2ljUGFzcw==\n\
        command=\"/usr/local/bin/backup --token CmdT0kenSecret99\" ssh-ed25519 AAAA\n";
    let out = assert_gone(
        text,
        &[
            "Zq8Wm2Lx9Pv",
            "p4ss/w0rd+x",
            "Emp7yUserPw9",
            "R5yncSecr3tPw",
            "Cu7lPassw0rdX",
            "Re5ticPassW0rd",
            "Rc10neSecretKeyXYZ",
            "B0rgPassphraseXy",
            "MysqlPwdSecret7",
            "DbPa55wordQw",
            "Qu0tedMysqlPw",
            "ASIAIOSFODNN7EXAMPLE",
            "ghs_0123456789abcdef",
            "ghu_0123456789abcdef",
            "glpat-Abcdefghij0123",
            "XXXXXXXXslackXXXXXXXX",
            "ZGVwbG95OmJhc2ljUGFzcw",
            "CmdT0kenSecret99",
        ],
    );
    assert!(
        out.contains("rclone sync /b r: --s3-secret-access-key [REDACTED:hmac="),
        "{out}"
    );
    assert!(
        out.contains("git.example.com/repo.git"),
        "the rest stays readable: {out}"
    );
}

#[test]
fn values_that_decide_verdicts_stay_readable() {
    let text = "PasswordAuthentication yes\nPermitEmptyPasswords no\nPubkeyAuthentication=yes\n\
        AuthorizedKeysFile .ssh/authorized_keys %h/.ssh/authorized_keys2\n\
        AuthenticationMethods publickey,password\nHostKey /etc/ssh/ssh_host_ed25519_key\n\
        deploy ALL=(ALL) NOPASSWD: SETENV: ALL\n%ops ALL=(root) NOPASSWD:ALL\n\
        alice ALL=(ALL) PASSWD: /usr/bin/systemctl restart app\npasswd:         files systemd\n\
        PASSWORD_HASHERS = [\"django.contrib.auth.hashers.Argon2PasswordHasher\"]\n\
        SECRET_KEY = os.environ[\"SECRET_KEY\"]\nAPI_TOKEN=${API_TOKEN}\ntoken_lifetime: 3600\n\
        password_encryption = scram-sha-256\nauth_basic_user_file /etc/nginx/.htpasswd;\n\
        ssh -p 2222 deploy@host\nEnvironmentFile=/etc/app/secrets.env\n";
    let out = redact(text);
    assert_eq!(out.text, text, "nothing redacted");
    assert_eq!(out.count, 0);
}

#[test]
fn keys_and_auth_name_secrets_only_when_assigned() {
    let out = assert_gone(
        "API_KEY=Ak3yValue88\nx-api-key: HdrKeyValue77\n--auth-token AuthTok3n55\n",
        &["Ak3yValue88", "HdrKeyValue77", "AuthTok3n55"],
    );
    assert_eq!(out.matches("[REDACTED:hmac=").count(), 3, "{out}");
}

#[test]
fn markers_are_keyed_so_a_guess_cannot_be_confirmed() {
    let unkeyed = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"hunter2-very-secret"))[..8].to_string()
    };
    let marked = marker("hunter2-very-secret");
    assert!(marked.starts_with("[REDACTED:hmac="), "{marked}");
    assert!(!marked.contains(&unkeyed), "not a plain hash of the secret");
}

#[test]
fn what_an_attack_found_is_redacted_and_what_decides_verdicts_is_kept() {
    // A secret inside a quoted option ends at the quote: the option stays parseable.
    let keys = "command=\"/usr/local/bin/backup-recv --token Kt1tokZZ11\",no-pty ssh-rsa AAAA backup\n\
                environment=\"API_KEY=Kt2envYY22\",restrict ssh-rsa AAAA deploy\n";
    let out = assert_gone(keys, &["Kt1tokZZ11", "Kt2envYY22"]);
    assert!(
        out.contains("\",no-pty ssh-rsa") && out.contains("\",restrict ssh-rsa"),
        "{out}"
    );
    // A user named like a secret keeps its sudo grant readable.
    let sudo = "passenger ALL=(ALL) NOPASSWD: ALL\n";
    assert_eq!(redact(sudo).text, sudo);
    // `requirepass X` alone on its line is still a secret.
    assert_gone("requirepass Rq7redisPw\n", &["Rq7redisPw"]);
    // An unencoded `@` in a URL password.
    assert_gone(
        "restic -r rest:https://bk:Zq1@LeakTail11@backup.example.com/r\n",
        &["LeakTail11", "Zq1@Le"],
    );
    // Values that only look like lookups, paths or structures.
    assert_gone(
        "PASSWORD=@Mn8mnMN88abc\nPASSWORD=%Ij6ijIJ66abc\nPASSWORD=(Ef4efEF44abc)\n\
         PASSWORD=${X:-Ab2abAB22abc}\nPASSWORD=2024abcd\n",
        &[
            "Mn8mnMN88abc",
            "Ij6ijIJ66abc",
            "Ef4efEF44abc",
            "Ab2abAB22abc",
            "2024abcd",
        ],
    );
    // Tools that take a password by short flag or position, and .netrc.
    assert_gone(
        "ldappasswd -x -D cn=admin -w Ld4pPass77 uid=bob\nhtpasswd -b /etc/nginx/.htpasswd bob Ht9pPass55\n\
         openssl enc -aes256 -k Op3nSsl44 -in a\nmachine example.com login bob password Nr8cPass33\n",
        &["Ld4pPass77", "Ht9pPass55", "Op3nSsl44", "Nr8cPass33"],
    );
    // Kept: lookups and paths that really are.
    let kept = "PASSWORD=${DB_PASSWORD}\nTOKEN=$API_TOKEN\nKEY_FILE=/etc/ssl/private/key.pem\n";
    assert_eq!(redact(kept).text, kept);
}

#[test]
fn a_token_given_as_a_web_urls_user_and_signed_urls_are_redacted() {
    let text = "git+https://abcdef0123456789abcdef0123456789abcdef01@github.com/o/p.git#egg=p\n\
        pip install --index-url=https://tok3nvalue@idx.example.com/simple flask\n\
        https://bucket.s3.amazonaws.com/k?X-Amz-Date=20261205&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f0\n\
        ssh://git@github.com/o/r.git git@github.com:o/r.git\n";
    let r = redact(text);
    for secret in [
        "abcdef0123456789abcdef0123456789abcdef01",
        "tok3nvalue",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    ] {
        assert!(!r.text.contains(secret), "{secret} left in:\n{}", r.text);
    }
    assert!(
        r.text.contains("ssh://git@github.com/o/r.git git@github.com:o/r.git"),
        "{}",
        r.text
    );
    assert!(r.text.contains("X-Amz-Date=20261205"));
}

#[test]
fn a_workflow_hands_secrets_by_name_and_stays_readable() {
    let workflow = "    env:\n      DEPLOY_SSH_KEY: ${{ secrets.DEPLOY_SSH_KEY }}\n      SSH_PRIVATE_KEY: \"${{ secrets.SSH_PRIVATE_KEY }}\"\n      DB_PASSWORD: hunter2-literal\n";
    let out = redact(workflow).text;
    assert!(out.contains("DEPLOY_SSH_KEY: ${{ secrets.DEPLOY_SSH_KEY }}"), "{out}");
    assert!(
        out.contains("SSH_PRIVATE_KEY: \"${{ secrets.SSH_PRIVATE_KEY }}\""),
        "{out}"
    );
    assert!(!out.contains("hunter2-literal"), "{out}");
}
