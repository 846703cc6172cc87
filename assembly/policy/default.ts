// The embedded default policy: what applies when no logseal.policy.json is found, and the
// fail-closed fallback when the one found is invalid. Secure by default: every detector
// masks, common secret-bearing keys are masked, pod annotations (which often carry whole
// manifests) are removed. Audit events keep who acted (`user.username`): accountability is
// their point. No key is needed; add `pseudonym.key`/`seal.key` for HMAC.
import { DEFAULT_AUDIT_RULES } from "../enrichment/audit/defaults";

export const DEFAULT_POLICY = `{
  "version": "logseal-default-1",
  "description": "Built-in secure default of logseal",
  "redact": {
    "keys": [
      { "name": "password", "case_insensitive": true, "action": "mask" },
      { "name": "passwd", "case_insensitive": true, "action": "mask" },
      { "name": "pwd", "case_insensitive": true, "action": "mask" },
      { "name": "secret", "case_insensitive": true, "action": "mask" },
      { "name": "client_secret", "case_insensitive": true, "action": "mask" },
      { "name": "private_key", "case_insensitive": true, "action": "mask" },
      { "name": "api_key", "case_insensitive": true, "action": "mask" },
      { "name": "apikey", "case_insensitive": true, "action": "mask" },
      { "name": "x-api-key", "case_insensitive": true, "action": "mask" },
      { "name": "token", "case_insensitive": true, "action": "mask" },
      { "name": "access_token", "case_insensitive": true, "action": "mask" },
      { "name": "refresh_token", "case_insensitive": true, "action": "mask" },
      { "name": "authorization", "case_insensitive": true, "action": "mask" },
      { "name": "cookie", "case_insensitive": true, "action": "mask" },
      { "name": "set-cookie", "case_insensitive": true, "action": "mask" },
      { "path": "kubernetes.annotations", "action": "remove" },
      { "path": "user.username", "action": "keep" },
      { "path": "impersonatedUser.username", "action": "keep" }
    ],
    "detectors": {
      "card": { "action": "mask", "keep_last": 4 },
      "iban": { "action": "mask", "keep_last": 4 },
      "ssn": "mask",
      "email": "mask",
      "ipv4": "keep",
      "ipv6": "keep",
      "jwt": "mask",
      "pem_private_key": "mask",
      "aws_access_key_id": "mask",
      "aws_secret_key": "mask",
      "github_token": "mask",
      "slack_token": "mask",
      "stripe_key": "mask",
      "google_api_key": "mask",
      "url_password": "mask",
      "auth_header": "mask",
      "secret_pair": "mask"
    },
    "summary": false
  },
  "enrich": {
    "severity": { "fields": ["level", "severity", "lvl", "loglevel", "log_level", "levelname", "severity_text"], "text_fields": ["log", "message", "msg"] },
    "audit": {
      "skip_stages": ["RequestReceived", "ResponseStarted"],
      "rules": ${DEFAULT_AUDIT_RULES}
    }
  },
  "seal": { "enabled": true, "chain_by": "tag", "state_file": "logseal.state" }
}
`;
