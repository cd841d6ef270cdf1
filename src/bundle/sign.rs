//! Signing a bundle with an SSH key (SSHSIG, namespace `vouch-evidence`), so
//! `ssh-keygen -Y verify` alone proves it: the signature is over `SHA256SUMS`
//! (which covers every file), armored; the public key and an `allowed_signers`
//! line travel with it. File keys: ed25519 and ECDSA (P-256, P-384) through the
//! `ssh-key` crate, an encrypted key opened with its passphrase; RSA keys through
//! OpenSSH's own `ssh-keygen -Y sign` (ssh-key 0.6 cannot sign with RSA); a
//! key held by ssh-agent (any of the three) through the agent protocol.

use ssh_key::{HashAlg, LineEnding, PrivateKey, SshSig};
use std::path::Path;

/// The namespace every vouch signature is made in.
pub const NAMESPACE: &str = "vouch-evidence";

/// A key that signs bundles, and the identity it signs as.
pub struct Key {
    signer: Signer,
    /// The public half.
    public: ssh_key::PublicKey,
    /// The principal in `allowed_signers` (`ssh-keygen -Y verify -I`).
    pub identity: String,
}

/// What makes the signature.
enum Signer {
    /// A key held in memory (ed25519, ECDSA).
    InMemory(Box<PrivateKey>),
    /// A key file signed by OpenSSH's own `ssh-keygen -Y sign` (RSA: ssh-key 0.6
    /// cannot sign with RSA; ssh-keygen asks an encrypted key's passphrase itself).
    SshKeygen(std::path::PathBuf),
    /// A key held by the ssh-agent listening on this socket.
    Agent(std::path::PathBuf),
}

/// How long an agent may take to answer: it may ask its user to confirm
/// (`ssh-add -c`) or to touch a hardware key.
const AGENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The agent's socket, as `SSH_AUTH_SOCK` names it.
pub fn agent_socket() -> Option<std::path::PathBuf> {
    std::env::var_os("SSH_AUTH_SOCK")
        .filter(|s| !s.is_empty())
        .map(std::path::PathBuf::from)
}

fn agent_client(socket: &Path) -> Result<ssh_agent_client_rs::Client, String> {
    let stream = std::os::unix::net::UnixStream::connect(socket)
        .map_err(|e| format!("ssh-agent at {}: {e}", socket.display()))?;
    stream
        .set_read_timeout(Some(AGENT_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(AGENT_TIMEOUT)))
        .map_err(|e| format!("ssh-agent at {}: {e}", socket.display()))?;
    Ok(ssh_agent_client_rs::Client::with_read_write(Box::new(stream)))
}

/// Key types an SSH signature can be made with here.
fn signs(key: &ssh_key::PublicKey) -> bool {
    matches!(
        key.algorithm(),
        ssh_key::Algorithm::Ed25519 | ssh_key::Algorithm::Ecdsa { .. } | ssh_key::Algorithm::Rsa { .. }
    )
}

impl Key {
    /// An OpenSSH private key file; `passphrase` opens an encrypted one.
    pub fn from_file(path: &Path, passphrase: Option<&str>, identity: &str) -> Result<Key, String> {
        let shown = path.display();
        let mut private =
            PrivateKey::read_openssh_file(path).map_err(|e| format!("{shown}: not an OpenSSH private key ({e})"))?;
        if private.is_encrypted() {
            let Some(passphrase) = passphrase else {
                return Err(format!("{shown} is encrypted: its passphrase is needed"));
            };
            private = private
                .decrypt(passphrase)
                .map_err(|_| format!("{shown}: the passphrase does not open it"))?;
        }
        if matches!(private.algorithm(), ssh_key::Algorithm::Rsa { .. }) {
            // ssh-key 0.6 cannot sign with RSA: OpenSSH's ssh-keygen does.
            return Key::through_ssh_keygen(path, identity);
        }
        Ok(Key {
            public: private.public_key().clone(),
            signer: Signer::InMemory(Box::new(private)),
            identity: principal(identity)?,
        })
    }

    /// Whether a key file is RSA (signed through ssh-keygen); its public half is
    /// readable even when the key is encrypted.
    pub fn is_rsa_file(path: &Path) -> bool {
        PrivateKey::read_openssh_file(path).is_ok_and(|k| matches!(k.algorithm(), ssh_key::Algorithm::Rsa { .. }))
    }

    /// A key file signed through `ssh-keygen -Y sign` (which asks for its
    /// passphrase itself); its public half from `KEY.pub`, else from the key.
    pub fn through_ssh_keygen(path: &Path, identity: &str) -> Result<Key, String> {
        let shown = path.display();
        let public_text = match std::fs::read_to_string(format!("{}.pub", path.display())) {
            Ok(text) => text,
            Err(_) => {
                let out = std::process::Command::new("ssh-keygen")
                    .arg("-y")
                    .arg("-f")
                    .arg(path)
                    .output()
                    .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
                if !out.status.success() {
                    return Err(format!("{shown}: ssh-keygen cannot read its public key"));
                }
                String::from_utf8_lossy(&out.stdout).into_owned()
            }
        };
        let public = ssh_key::PublicKey::from_openssh(public_text.trim())
            .map_err(|e| format!("{shown}: no public key beside it ({e})"))?;
        Ok(Key {
            public,
            signer: Signer::SshKeygen(path.to_path_buf()),
            identity: principal(identity)?,
        })
    }

    /// A key held by the agent at `socket`: the one whose public half is
    /// `wanted`, else its first ed25519, ECDSA or RSA key. None when the
    /// agent holds no such key.
    pub fn from_agent(
        socket: &Path,
        wanted: Option<&ssh_key::PublicKey>,
        identity: &str,
    ) -> Result<Option<Key>, String> {
        let mut client = agent_client(socket)?;
        let held = client
            .list_all_identities()
            .map_err(|e| format!("ssh-agent at {}: {e}", socket.display()))?;
        // Certificates are left out: a bundle is signed by a plain key.
        let mut plain = held.into_iter().filter_map(|identity| match identity {
            ssh_agent_client_rs::Identity::PublicKey(key) => Some(key.into_owned()),
            ssh_agent_client_rs::Identity::Certificate(_) => None,
        });
        let found = plain.find(|key| match wanted {
            Some(wanted) => key.key_data() == wanted.key_data(),
            None => signs(key),
        });
        match found {
            Some(public) => Ok(Some(Key {
                public,
                signer: Signer::Agent(socket.to_path_buf()),
                identity: principal(identity)?,
            })),
            None => Ok(None),
        }
    }

    /// The key to sign with when no key file is given: one held by ssh-agent,
    /// else the user's own vouch key in `config_dir` (made on first use). The
    /// notes say which, for the user.
    pub fn default(config_dir: &Path, identity: &str) -> Result<(Key, Vec<String>), String> {
        let mut notes = Vec::new();
        if let Some(socket) = agent_socket() {
            match Key::from_agent(&socket, None, identity) {
                Ok(Some(key)) => {
                    let comment = key.public.comment().to_string();
                    notes.push(format!(
                        "signing with the ssh-agent key {} ({})",
                        key.fingerprint(),
                        crate::sanitize::terminal(&comment)
                    ));
                    return Ok((key, notes));
                }
                Ok(None) => {}
                Err(why) => notes.push(format!(
                    "{}; signing with your vouch key instead",
                    crate::sanitize::terminal(&why)
                )),
            }
        }
        let (key, made) = Key::own(config_dir, identity)?;
        if made {
            notes.push(format!(
                "made your vouch signing key {} (signing_key.pub in the config folder): give it to those who check your packs",
                key.fingerprint()
            ));
        }
        Ok((key, notes))
    }

    /// Where the signature is made: `agent`, `ssh-keygen` or `vouch`.
    pub fn held_by(&self) -> &'static str {
        match self.signer {
            Signer::InMemory(_) => "vouch",
            Signer::SshKeygen(_) => "ssh-keygen",
            Signer::Agent(_) => "ssh-agent",
        }
    }

    /// The user's own vouch signing key (`signing_key` in `dir`, the config
    /// folder): an ed25519 key made on first use, 0600, beside its `.pub`.
    /// True in the second value when it was just made.
    pub fn own(dir: &Path, identity: &str) -> Result<(Key, bool), String> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = dir.join("signing_key");
        if path.exists() {
            return Key::from_file(&path, None, identity).map(|key| (key, false));
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut private = PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .map_err(|e| format!("cannot make a signing key: {e}"))?;
        private.set_comment(&principal(identity)?);
        let text = private.to_openssh(LineEnding::LF).map_err(|e| e.to_string())?;
        let shown = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(shown)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(shown)?;
        let public = private.public_key().to_openssh().map_err(|e| e.to_string())?;
        std::fs::write(dir.join("signing_key.pub"), public + "\n").map_err(shown)?;
        Key::from_file(&path, None, identity).map(|key| (key, true))
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.public.fingerprint(HashAlg::Sha256).to_string()
    }

    /// The public key, OpenSSH format, commented with the identity.
    pub fn public(&self) -> Result<String, String> {
        let mut public = self.public.clone();
        public.set_comment(&self.identity);
        public.to_openssh().map(|text| text + "\n").map_err(|e| e.to_string())
    }

    /// The `allowed_signers` line for this key.
    pub fn allowed_signers(&self) -> Result<String, String> {
        let mut public = self.public.clone();
        public.set_comment("");
        let public = public.to_openssh().map_err(|e| e.to_string())?;
        Ok(format!("{} namespaces=\"{NAMESPACE}\" {public}\n", self.identity))
    }

    /// The armored SSH signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<String, String> {
        match &self.signer {
            Signer::InMemory(private) => {
                let signature = private
                    .sign(NAMESPACE, HashAlg::Sha512, message)
                    .map_err(|e| format!("cannot sign: {e}"))?;
                signature.to_pem(LineEnding::LF).map_err(|e| e.to_string())
            }
            Signer::SshKeygen(path) => ssh_keygen_sign(path, message),
            Signer::Agent(socket) => self.agent_sign(socket, message),
        }
    }

    /// SSHSIG through the agent: it signs the blob SSHSIG defines (namespace,
    /// SHA-512 of the message), and the signature is checked before use.
    fn agent_sign(&self, socket: &Path, message: &[u8]) -> Result<String, String> {
        let shown = |e: &dyn std::fmt::Display| format!("ssh-agent at {}: {e}", socket.display());
        let blob = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message).map_err(|e| shown(&e))?;
        let mut client = agent_client(socket)?;
        let signature = client
            .sign(self.public.clone(), &blob)
            .map_err(|e| shown(&format!("refused to sign ({e})")))?;
        let sig = SshSig::new(self.public.key_data().clone(), NAMESPACE, HashAlg::Sha512, signature)
            .map_err(|e| shown(&e))?;
        self.public
            .verify(NAMESPACE, message, &sig)
            .map_err(|_| shown(&"its signature does not verify"))?;
        sig.to_pem(LineEnding::LF).map_err(|e| e.to_string())
    }
}

/// `ssh-keygen -Y sign -n vouch-evidence -f KEY`, the message on its standard
/// input, the armored signature on its output (the passphrase, if any, asked
/// by ssh-keygen on the terminal).
fn ssh_keygen_sign(path: &Path, message: &[u8]) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(message).map_err(|e| format!("ssh-keygen: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("ssh-keygen: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "ssh-keygen -Y sign failed: {}",
            crate::sanitize::terminal(String::from_utf8_lossy(&out.stderr).trim())
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "ssh-keygen wrote no signature".to_string())
}

/// An identity as `allowed_signers` takes it: one word, no pattern characters.
pub fn principal(identity: &str) -> Result<String, String> {
    let word: String = identity
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let fits = !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || "@.-_+".contains(c));
    if fits {
        Ok(word)
    } else {
        Err(format!(
            "`{}` cannot be a signer identity: use an email or letters, digits and . - _ + @",
            crate::sanitize::terminal(identity)
        ))
    }
}
