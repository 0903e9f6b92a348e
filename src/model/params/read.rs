//! Reading parameters from JSON and `key=value` text, and checking them against the table of
//! keys.

use super::fields::{field_spec, shown, FieldKind, FieldSpec, ParamError, FIELDS};
use super::*;
use serde_json::Value;

fn lookup<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn lookup_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    key.split('.').try_fold(v, |cur, part| cur.get_mut(part))
}

fn check_value(spec: &FieldSpec, v: &Value) -> Result<(), ParamError> {
    let bad = |what: String| ParamError::new(spec.key, format!("{what}; allowed: {}", spec.kind.allowed()));
    match spec.kind {
        FieldKind::Int { min, max } => {
            let n = v.as_u64().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if n < min || n > max {
                return Err(bad(format!("{n} is out of range")));
            }
        }
        FieldKind::Float { min, max } => {
            let x = v.as_f64().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if !x.is_finite() || x < min || x > max {
                return Err(bad(format!("{x} is out of range")));
            }
        }
        FieldKind::Bool => {
            v.as_bool().ok_or_else(|| bad(format!("got {}", describe(v))))?;
        }
        FieldKind::Enum(names) => {
            let s = v.as_str().ok_or_else(|| bad(format!("got {}", describe(v))))?;
            if !names.contains(&s) {
                return Err(bad(format!("unknown value '{}'", shown(s))));
            }
        }
    }
    Ok(())
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("{n}"),
        Value::String(s) => format!("the text '{}'", shown(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Every dotted leaf key in a JSON object, in order.
fn leaf_keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            if child.is_object() {
                leaf_keys(child, &key, out);
            } else {
                out.push(key);
            }
        }
    }
}

impl Params {
    /// The parameters as a JSON value (the schema users edit).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("parameters always serialize")
    }

    /// Pretty-printed JSON of the parameters.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("parameters always serialize")
    }

    /// Parameters from a complete JSON value, checked field by field.
    pub fn from_json(v: &Value) -> Result<Params, ParamError> {
        check_tree(v)?;
        let p = build(v);
        p.validate()?;
        Ok(p)
    }

    /// These parameters with the keys of `overrides` replaced: a possibly partial JSON object,
    /// nested as `params` prints it (a `--params` file) or with dotted keys (`{"mega.count": 0}`,
    /// as the page's `params` attribute and URLs give it). A value may be text for a number or
    /// a boolean (`"0.5"`, `"true"`), as URLs carry them. Unknown keys are errors.
    pub fn merged(&self, overrides: &Value) -> Result<Params, ParamError> {
        let Value::Object(map) = overrides else {
            return Err(ParamError::new("params", format!("expected a JSON object, got {}", describe(overrides))));
        };
        let mut entries = Vec::new();
        for (k, v) in map {
            if v.is_object() {
                let mut keys = Vec::new();
                leaf_keys(v, k, &mut keys);
                for key in keys {
                    let leaf = lookup(overrides, &key).cloned().unwrap_or(Value::Null);
                    entries.push((key, leaf));
                }
            } else {
                entries.push((k.clone(), v.clone()));
            }
        }
        let mut base = self.to_json();
        for (key, v) in entries {
            let spec = field_spec(&key).ok_or_else(|| unknown_key(&key))?;
            let v = match (&v, spec.kind) {
                (Value::String(t), FieldKind::Int { .. } | FieldKind::Float { .. } | FieldKind::Bool) => value_from_text(spec, t)?,
                _ => v,
            };
            set_in(&mut base, &key, v)?;
        }
        Params::from_json(&base)
    }

    /// These parameters with one dotted key set from text, as `--set key=value` and URL
    /// parameters give it: numbers, `true`/`false` and names are understood.
    pub fn with_text(&self, key: &str, text: &str) -> Result<Params, ParamError> {
        let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
        let v = value_from_text(spec, text)?;
        let mut base = self.to_json();
        set_in(&mut base, key, v)?;
        Params::from_json(&base)
    }

    /// Checks one value given as text against its key's type and range alone (the rules between
    /// fields are left to [`Params::validate`]).
    pub fn check_text(key: &str, text: &str) -> Result<(), ParamError> {
        let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
        check_value(spec, &value_from_text(spec, text)?)
    }

    /// The value of a dotted key as JSON.
    pub fn get(&self, key: &str) -> Option<Value> {
        lookup(&self.to_json(), key).cloned()
    }

    /// Checks every field's range and the rules between fields.
    pub fn validate(&self) -> Result<(), ParamError> {
        check_tree(&self.to_json())?;
        if self.retry.cap_s < self.retry.base_s {
            return Err(ParamError::new(
                "retry.cap_s",
                format!("{} is below retry.base_s ({}); the cap must be at least the base", self.retry.cap_s, self.retry.base_s),
            ));
        }
        if self.trigger.end_s < self.trigger.start_s {
            return Err(ParamError::new(
                "trigger.end_s",
                format!("{} is before trigger.start_s ({}); it must be at least the start", self.trigger.end_s, self.trigger.start_s),
            ));
        }
        let slots =
            self.supernodes.count as u64 * self.supernodes.max_clients as u64 + self.mega.count as u64 * self.mega.max_clients as u64;
        if slots < self.clients.total / 100 {
            return Err(ParamError::new(
                "supernodes.max_clients",
                format!(
                    "supernodes can hold {slots} clients in all, under 1% of clients.total ({}); raise supernodes.count or supernodes.max_clients",
                    self.clients.total
                ),
            ));
        }
        Ok(())
    }
}

/// Reads a JSON tree that `check_tree` accepted (every key present, of the right type and in
/// range) into `Params`, field by field. Written out rather than derived: the page's WebAssembly
/// then needs no generated deserializer, which would be a tenth of its size.
fn build(v: &Value) -> Params {
    let f = |k: &str| lookup(v, k).and_then(Value::as_f64).unwrap_or(0.0);
    let u = |k: &str| lookup(v, k).and_then(Value::as_u64).unwrap_or(0);
    let b = |k: &str| lookup(v, k).and_then(Value::as_bool).unwrap_or(false);
    let s = |k: &str| lookup(v, k).and_then(Value::as_str).unwrap_or("").to_string();
    let svc = |p: &str| ServiceParams {
        capacity_per_s: f(&format!("{p}.capacity_per_s")),
        per_client_per_s: f(&format!("{p}.per_client_per_s")),
        per_attempt: f(&format!("{p}.per_attempt")),
    };
    let policy = RetryPolicy::from_name(&s("retry.policy")).unwrap_or(RetryPolicy::Exponential);
    let switch_to = RetryPolicy::from_name(&s("retry.switch_to"));
    let kind = TriggerKind::ALL.iter().copied().find(|k| k.name() == s("trigger.kind")).unwrap_or(TriggerKind::None);
    Params {
        clients: ClientParams {
            total: u("clients.total"),
            buggy_fraction: f("clients.buggy_fraction"),
            relaunch_mean_s: f("clients.relaunch_mean_s"),
            keepalive_s: f("clients.keepalive_s"),
            session_mean_s: f("clients.session_mean_s"),
            patience_s: f("clients.patience_s"),
            return_mean_s: f("clients.return_mean_s"),
        },
        supernodes: SupernodeParams {
            count: u("supernodes.count") as u32,
            operator_hosted: b("supernodes.operator_hosted"),
            capacity_per_s: f("supernodes.capacity_per_s"),
            capacity_spread: f("supernodes.capacity_spread"),
            max_clients: u("supernodes.max_clients") as u32,
            neighbours: u("supernodes.neighbours") as u32,
            restart_mean_s: f("supernodes.restart_mean_s"),
            queue_max: u("supernodes.queue_max") as u32,
            queue_timeout_s: f("supernodes.queue_timeout_s"),
        },
        load: LoadParams {
            per_client_per_s: f("load.per_client_per_s"),
            login_cost: f("load.login_cost"),
            refusal_cost: f("load.refusal_cost"),
        },
        failsafe: FailsafeParams {
            threshold: f("failsafe.threshold"),
            window_s: f("failsafe.window_s"),
            cooldown_s: f("failsafe.cooldown_s"),
        },
        host_cache: HostCacheParams { size: u("host_cache.size") as u32, entry_timeout_s: f("host_cache.entry_timeout_s") },
        bootstrap: BootstrapParams { capacity_per_s: f("bootstrap.capacity_per_s") },
        promotion: PromotionParams { eligible_fraction: f("promotion.eligible_fraction"), per_h: f("promotion.per_h") },
        retry: RetryParams { policy, base_s: f("retry.base_s"), cap_s: f("retry.cap_s"), switch_s: f("retry.switch_s"), switch_to },
        trigger: TriggerParams {
            kind,
            start_s: f("trigger.start_s"),
            end_s: f("trigger.end_s"),
            hazard_per_h: f("trigger.hazard_per_h"),
            capacity_fraction: f("trigger.capacity_fraction"),
            rollout_s: f("trigger.rollout_s"),
        },
        mega: MegaParams {
            count: u("mega.count") as u32,
            repurposed_fraction: f("mega.repurposed_fraction"),
            deploy_s: f("mega.deploy_s"),
            ramp_s: f("mega.ramp_s"),
            capacity_per_s: f("mega.capacity_per_s"),
            max_clients: u("mega.max_clients") as u32,
            release_s: f("mega.release_s"),
            release_ramp_s: f("mega.release_ramp_s"),
        },
        fix: FixParams { start_s: f("fix.start_s"), rollout_per_h: f("fix.rollout_per_h") },
        login: LoginParams { capacity_per_s: f("login.capacity_per_s"), refusal_cost_fraction: f("login.refusal_cost_fraction") },
        admission: AdmissionParams { logins_per_s: f("admission.logins_per_s"), start_s: f("admission.start_s") },
        services: ServicesParams {
            messaging: svc("services.messaging"),
            presence: svc("services.presence"),
            contacts: svc("services.contacts"),
            offline_im: svc("services.offline_im"),
            web: WebParams {
                clients: u("services.web.clients"),
                capacity_per_s: f("services.web.capacity_per_s"),
                per_client_per_s: f("services.web.per_client_per_s"),
                shared: b("services.web.shared"),
            },
        },
        rebalance: RebalanceParams {
            start_s: f("rebalance.start_s"),
            ramp_s: f("rebalance.ramp_s"),
            capacity_factor: f("rebalance.capacity_factor"),
        },
        lookup: LookupParams { hops: u("lookup.hops") as u32, samples_per_min: u("lookup.samples_per_min") as u32 },
    }
}

/// A field's value from text: a number, `true`/`false` (or on/off, yes/no, 1/0), or a name.
fn value_from_text(spec: &FieldSpec, text: &str) -> Result<Value, ParamError> {
    let key = spec.key;
    let t = text.trim();
    Ok(match spec.kind {
        FieldKind::Int { .. } | FieldKind::Float { .. } => match serde_json::from_str::<Value>(t) {
            Ok(v @ Value::Number(_)) => v,
            _ => return Err(ParamError::new(key, format!("'{}' is not a number; allowed: {}", shown(text), spec.kind.allowed()))),
        },
        FieldKind::Bool => match t {
            "true" | "1" | "on" | "yes" => Value::Bool(true),
            "false" | "0" | "off" | "no" => Value::Bool(false),
            _ => return Err(ParamError::new(key, format!("'{}' is not true or false", shown(text)))),
        },
        FieldKind::Enum(_) => Value::String(t.to_string()),
    })
}

fn unknown_key(key: &str) -> ParamError {
    let prefix = shown(key.split('.').next().unwrap_or(""));
    let near: Vec<&str> = FIELDS.iter().map(|f| f.key).filter(|k| k.starts_with(&prefix)).collect();
    let hint = if near.is_empty() {
        "run `supernode-sim params` to list the keys".to_string()
    } else {
        format!("keys starting with '{prefix}': {}", near.join(", "))
    };
    ParamError::new(shown(key), format!("unknown parameter; {hint}"))
}

fn set_in(base: &mut Value, key: &str, v: Value) -> Result<(), ParamError> {
    let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
    check_value(spec, &v)?;
    let slot = lookup_mut(base, key).ok_or_else(|| unknown_key(key))?;
    *slot = v;
    Ok(())
}

fn check_tree(v: &Value) -> Result<(), ParamError> {
    let mut keys = Vec::new();
    leaf_keys(v, "", &mut keys);
    for key in &keys {
        let spec = field_spec(key).ok_or_else(|| unknown_key(key))?;
        check_value(spec, lookup(v, key).unwrap_or(&Value::Null))?;
    }
    for spec in FIELDS {
        if lookup(v, spec.key).is_none() {
            return Err(ParamError::new(spec.key, format!("missing; allowed: {}", spec.kind.allowed())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    #[test]
    fn every_field_is_in_the_table_and_back() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let mut keys = Vec::new();
        leaf_keys(&p.to_json(), "", &mut keys);
        let table: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), table.len());
        for k in &keys {
            assert!(table.contains(&k.as_str()), "{k} not documented");
        }
    }

    #[test]
    fn every_scenario_survives_a_round_trip_through_json() {
        for sc in scenarios::all() {
            let p = sc.params.clone();
            assert_eq!(Params::from_json(&p.to_json()).unwrap(), p, "{}", sc.name);
            // And through text, as `params` prints it and `--params` reads it.
            let v: Value = serde_json::from_str(&p.to_json_pretty()).unwrap();
            assert_eq!(Params::from_json(&v).unwrap(), p, "{}", sc.name);
        }
    }

    #[test]
    fn set_checks_type_and_range() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        assert_eq!(p.with_text("retry.policy", "full-jitter").unwrap().retry.policy, RetryPolicy::FullJitter);
        let e = p.with_text("retry.policy", "sometimes").unwrap_err();
        assert_eq!(e.field, "retry.policy");
        assert!(e.message.contains("full-jitter"));
        let e = p.with_text("clients.buggy_fraction", "1.5").unwrap_err();
        assert!(e.message.contains("from 0 to 1"), "{e}");
        assert!(p.with_text("clients.buggy_fraction", "NaN").is_err());
        assert!(p.with_text("clients.buggy_fraction", "-0.1").is_err());
        assert!(p.with_text("supernodes.count", "2.5").is_err());
        assert!(p.with_text("supernodes.count", "1e40").is_err());
        assert!(p.with_text("nope.key", "1").unwrap_err().message.contains("unknown"));
        assert!(p.with_text("retry.cap_s", "0").unwrap_err().message.contains("base"));
    }

    #[test]
    fn merge_takes_partial_objects_and_rejects_unknown_keys() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let q = p.merged(&serde_json::json!({"mega": {"count": 0}})).unwrap();
        assert_eq!(q.mega.count, 0);
        assert_eq!(q.clients, p.clients);
        assert!(p.merged(&serde_json::json!({"mega": {"cont": 0}})).is_err());
        assert!(p.merged(&serde_json::json!([1, 2])).is_err());
        assert!(p.merged(&serde_json::json!({"retry": {"policy": 3}})).is_err());
    }

    #[test]
    fn merge_takes_dotted_keys_and_text_values() {
        let p = scenarios::find("skype-2010").unwrap().params.clone();
        let q =
            p.merged(&serde_json::json!({"mega.count": "0", "retry.policy": "full-jitter", "supernodes.operator_hosted": "true"})).unwrap();
        assert_eq!(q.mega.count, 0);
        assert_eq!(q.retry.policy, RetryPolicy::FullJitter);
        assert!(q.supernodes.operator_hosted);
        let e = p.merged(&serde_json::json!({"mega.count": "many"})).unwrap_err();
        assert_eq!(e.field, "mega.count");
        assert!(p.merged(&serde_json::json!({"mega.cont": 1})).unwrap_err().message.contains("unknown"));
    }
}
