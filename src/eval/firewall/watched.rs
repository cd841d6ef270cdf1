//! The ports the firewall controls watch: datastores and admin interfaces that
//! must never be open to anywhere, and the ports app servers listen on by default.

/// Datastore and admin ports that must never be open to anywhere, with what
/// usually listens there: an allow rule from anywhere to one fails
/// `firewall.allowed-ports`.
pub const DATASTORE_PORTS: &[(u16, &str)] = &[
    (2375, "Docker API"),
    (2376, "Docker API over TLS"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (5672, "RabbitMQ"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (8086, "InfluxDB"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (11211, "memcached"),
    (15672, "RabbitMQ management"),
    (27017, "MongoDB"),
];

/// What listens on a datastore or admin port, if it is one.
pub fn datastore_name(port: u16) -> Option<&'static str> {
    DATASTORE_PORTS.iter().find(|(p, _)| *p == port).map(|(_, name)| *name)
}

/// Ports Python app servers (gunicorn, uvicorn, the Flask/Django dev servers)
/// and other app backends listen on by default.
pub const APP_PORTS: &[u16] = &[3000, 5000, 8000, 8001, 8008, 8080, 8081, 8888];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datastores_are_named() {
        assert_eq!(datastore_name(5432), Some("PostgreSQL"));
        assert_eq!(datastore_name(8000), None);
    }
}
