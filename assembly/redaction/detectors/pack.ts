// The built-in rule pack: secret formats as the providers document them (prefixes, alphabets,
// lengths), written here as patterns (pattern.ts). One line per rule:
//   id family pattern [options]
// options: kw=a|b   the rule is a key: one of these words starts the key name, the pattern is
//                   the value after `=`/`:` (only the value is a span)
//          ctx=a|b  one of these words must appear in the 64 bytes before the match
//          ent=N    the body's Shannon entropy must be at least N bits per character
//          ci       the anchor ignores ASCII case
//          crc      GitHub/npm-style CRC-32 in the last 6 characters (base 62)
//          noph     no placeholder check (formats that are themselves repetitive)
//          keep=N   the first N bytes stay readable (a webhook's host and path)
//          sp       (with kw=) the value may follow the key after spaces alone, no `=`/`:`
// Sources: each provider's documentation of its token format (linked in docs/detectors.md).
import { Kind, RuleSpec, registerPattern } from "./rules";

const UUID = "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}";
const UUID_CI = "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}";

export const BUILTIN_RULES: string[] = [
  // GitHub: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
  "github_classic_pat github_token ghp_[A-Za-z0-9_]{36,251}",
  "github_oauth_token github_token gho_[A-Za-z0-9_]{36,251}",
  "github_user_to_server_token github_token ghu_[A-Za-z0-9_]{36,251}",
  // installation tokens may also carry a signed JWT after the id (`ghs_<id>_eyJ….eyJ….sig`)
  "github_server_to_server_token github_token ghs_[A-Za-z0-9_.-]{36,1024}",
  "github_refresh_token github_token ghr_[A-Za-z0-9_]{36,251}",
  "github_fine_grained_pat github_token github_pat_[A-Za-z0-9_]{82,244}",
  // GitLab: https://docs.gitlab.com/security/tokens/#token-prefixes
  "gitlab_pat gitlab glpat-[A-Za-z0-9_.-]{20,300}",
  "gitlab_runner_auth_token gitlab glrt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_runner_registration_token gitlab GR1348941[A-Za-z0-9_-]{20,300}",
  "gitlab_deploy_token gitlab gldt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_pipeline_trigger_token gitlab glptt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_scim_token gitlab glsoat-[A-Za-z0-9_.-]{20,300}",
  "gitlab_cicd_job_token gitlab glcbt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_incoming_mail_token gitlab glimt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_feed_token gitlab glft-[A-Za-z0-9_.-]{20,300}",
  "gitlab_agent_token gitlab glagent-[A-Za-z0-9_.-]{40,300}",
  "gitlab_oauth_app_secret gitlab gloas-[A-Za-z0-9_.-]{40,300}",
  "gitlab_feature_flags_token gitlab glffct-[A-Za-z0-9_.-]{20,300}",
  "gitlab_workspace_token gitlab glwt-[A-Za-z0-9_.-]{20,300}",
  "gitlab_session_cookie gitlab [a-z0-9]{32} kw=gitlab_session",
  // personal access tokens before the glpat- prefix (2022): 20 characters, under GitLab's name
  "gitlab_legacy_token gitlab [A-Za-z0-9_-]{20} kw=gitlab ent=3",
  // OpenAI: https://platform.openai.com/docs/api-reference/authentication
  "openai_project_key openai sk-proj-[A-Za-z0-9_-]{40,300}",
  "openai_service_account_key openai sk-svcacct-[A-Za-z0-9_-]{40,300}",
  "openai_admin_key openai sk-admin-[A-Za-z0-9_-]{40,300}",
  "openai_legacy_key openai sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
  "openai_user_key openai sk-None-[A-Za-z0-9_-]{40,300}",
  "openai_service_key openai sk-service-[A-Za-z0-9_-]{40,300}",
  // Anthropic: https://docs.anthropic.com/en/api/overview
  // the key version after `api` (`api03`) is read as digits, so that a later version is found too
  "anthropic_api_key anthropic sk-ant-api[0-9]{2,3}-[A-Za-z0-9_-]{80,200}",
  "anthropic_admin_key anthropic sk-ant-admin01-[A-Za-z0-9_-]{80,200}",
  "anthropic_oauth_token anthropic (sk-ant-oat01-|sk-ant-ort01-)[A-Za-z0-9_-]{80,200}",
  // Azure: Entra ID client secrets, storage account keys and connection strings, SAS.
  "azure_ad_client_secret azure [A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
  "azure_storage_account_key azure AccountKey=[A-Za-z0-9+/]{20,200}[=]{0,2} keep=11 ci",
  "azure_shared_access_key azure SharedAccessKey=[A-Za-z0-9+/]{43}= keep=16 ci",
  "azure_sas_signature azure sig=[A-Za-z0-9%+/]{40,100} keep=4 ctx=sv=|se=|sp=|sr=|blob|queue|table|file",
  "azure_devops_pat azure [a-z2-7]{52} kw=azure_devops|azdo|ado_pat|system_accesstoken",
  "azure_devops_pat_v2 azure [A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4} kw=azure_devops|azdo|ado_pat|system_accesstoken",
  // keys with no mark of their own, under the names Azure's SDKs and portals give them
  "azure_storage_key_named azure [A-Za-z0-9+/]{86}== kw=account_key|accountkey|storage_key|storagekey|storageaccountkey|storage_account_key|azurestorageaccountkey|azure_storage_key|azurestoragekey|azure_storage_account_key|azuredefaultaccountkey|cosmos_key|cosmosdb_key|batch_account_key|batchaccountkey|primaryaccountkey|secondaryaccountkey sp",
  "azure_openai_key azure [a-f0-9]{32} kw=azure_openai|azureopenai|aoai",
  "azure_search_key azure [A-Za-z0-9]{52} kw=azure_search|azuresearch|azure_key|azurekey",
  // Entra ID (Azure AD) refresh tokens: `0.A…` or `1.A…` (client and tenant, base64url), then `.AgAB…`
  // refresh tokens run to 1,300 characters and more; the v1 form may carry another `.` in its body
  "azure_entra_refresh_token azure [01].A[A-Za-z0-9_-]{40,120}.AgAB[A-Za-z0-9_-]{100,4096}",
  "azure_entra_refresh_token_v1 azure [01].A[A-Za-z0-9_-]{40,120}.1.AgAB[A-Za-z0-9_.-]{100,4096}",
  // Microsoft's identifiable keys: a service signature at a fixed offset and a checksum character
  // (microsoft/security-utilities, HighConfidenceSecurityModels), found without a name beside them.
  "azure_storage_identifiable_key azure [A-Za-z0-9+/]{76}\\+ASt[A-Za-z0-9+/]{5}[AQgw]==",
  "azure_batch_identifiable_key azure [A-Za-z0-9+/]{76}\\+ABa[A-Za-z0-9+/]{5}[AQgw]==",
  "azure_ml_identifiable_key azure [A-Za-z0-9+/]{76}\\+AMC[A-Za-z0-9+/]{5}[AQgw]==",
  "azure_cosmosdb_identifiable_key azure [A-Za-z0-9+/]{76}ACDb[A-Za-z0-9+/]{5}[AQgw]==",
  "azure_apim_identifiable_key azure [A-Za-z0-9+/]{76}APIM[A-Za-z0-9+/]{5}[AQgw]==",
  "azure_function_identifiable_key azure [A-Za-z0-9_-]{44}AzFu[A-Za-z0-9_-]{5}[AQgw]==",
  "azure_container_registry_identifiable_key azure [A-Za-z0-9+/]{42}\\+ACR[A-D][A-Za-z0-9+/]{5}",
  "azure_relay_identifiable_key azure [A-Za-z0-9+/]{33}\\+ARm[A-P][A-Za-z0-9+/]{5}=",
  "azure_event_hub_identifiable_key azure [A-Za-z0-9+/]{33}\\+AEh[A-P][A-Za-z0-9+/]{5}=",
  "azure_service_bus_identifiable_key azure [A-Za-z0-9+/]{33}\\+ASb[A-P][A-Za-z0-9+/]{5}=",
  // API Management's Git repository password: `git&<yyyyMMddHHmm>&<key>`
  "azure_apim_repository_key azure git&[0-9]{12}&[A-Za-z0-9+/]{86}==",
  // npm: https://github.blog/2021-09-23-announcing-npms-new-access-token-format/
  "npm_access_token npm npm_[A-Za-z0-9]{36}",
  // tokens before npm_ (2021) were UUIDs: `//registry.npmjs.org/:_authToken=<uuid>` in .npmrc
  "npm_legacy_token npm " + UUID + " kw=authtoken|npm_token|npm_auth_token",
  // PyPI: https://pypi.org/help/#apitoken (macaroons, base64 of a header naming pypi.org)
  "pypi_upload_token pypi pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}",
  "testpypi_upload_token pypi pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,1000}",
  // Hugging Face: https://huggingface.co/docs/hub/security-tokens
  "huggingface_token huggingface hf_[A-Za-z0-9]{34,40}",
  "huggingface_org_token huggingface api_org_[A-Za-z0-9]{34}",
  // .netrc (https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html):
  // `machine host login user password secret`, tokens split by spaces; only after `machine`
  "netrc_password secret_pair [!-[\\]^-~]{1,128} kw=password sp ctx=machine",
  // AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
  "aws_access_key aws_access_key_id AKIA[A-Z0-9]{16}",
  "aws_temporary_access_key aws_access_key_id ASIA[A-Z0-9]{16}",
  "aws_sts_bearer_token_id aws_access_key_id ABIA[A-Z0-9]{16}",
  "aws_context_credential_id aws_access_key_id ACCA[A-Z0-9]{16}",
  "aws_legacy_access_key aws_access_key_id A3T[A-Z0-9]{17}",
  "aws_iam_unique_id aws_access_key_id (AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}",
  "aws_session_token aws_session_token [A-Za-z0-9+/]{100,1024}[=]{0,2} kw=aws_session_token|x-amz-security-token|awssessiontoken|session",
  "aws_bedrock_api_key aws_bedrock ABSK[A-Za-z0-9+/]{100,1000}[=]{0,2}",
  "aws_bedrock_short_term_key aws_bedrock bedrock-api-key-[A-Za-z0-9+/]{50,4096}[=]{0,2}",
  "amazon_mws_token amazon amzn.mws." + UUID,
  "amazon_lwa_token amazon (Atza|Atzr)\\|[A-Za-z0-9_.-]{50,1000}",
  // HashiCorp: https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes
  "vault_service_token hashicorp_vault hvs.[A-Za-z0-9_-]{24,300}",
  "vault_batch_token hashicorp_vault hvb.[A-Za-z0-9_-]{24,300}",
  "vault_recovery_token hashicorp_vault hvr.[A-Za-z0-9_-]{24,300}",
  // before Vault 1.10: `s.`/`b.`/`r.` and 24 (a `s.` word is common code: a name must be near)
  "vault_legacy_token hashicorp_vault (s.|b.|r.)[A-Za-z0-9]{24} ctx=vault|token|hashicorp",
  // batch tokens before Vault 1.10: `b.` and a base64url protobuf blob (format version 1: `AAAAAQ`), a
  // hundred characters and more; found alone (`hvb.` is the same blob since 1.10)
  "vault_legacy_batch_token hashicorp_vault b.AAAAAQ[A-Za-z0-9_-]{60,1000}",
  // a service token with the old prefix and the protobuf body of 1.10 and later (`s.CAES…`, as `hvs.CAES…`)
  "vault_service_token_protobuf hashicorp_vault s.CAES[A-Za-z0-9_-]{40,300}",
  // `vault operator init` prints `Unseal Key 1: <base64 of a 33-byte share>`
  "vault_unseal_key_listed hashicorp_vault Unseal\\sKey\\s[0-9]{1,2}:\\s[A-Za-z0-9+/]{44} keep=11 ci",
  "vault_unseal_key hashicorp_vault [A-Za-z0-9+/]{44} kw=unseal sp",
  "terraform_cloud_token terraform_cloud [A-Za-z0-9]{14}.atlasv1.[A-Za-z0-9_=-]{60,70}",
  "hcp_client_secret hashicorp_vault [A-Za-z0-9_-]{64} kw=hcp_client_secret",
  // 1Password: service accounts (ops_) and account Secret Keys (A3-).
  // the body without `=` (padding ends it), so that the token is found after `ref=` too
  "onepassword_service_account_token 1password ops_eyJ[A-Za-z0-9+/_-]{100,1024}",
  "onepassword_secret_key 1password A3-[A-Z0-9]{6}-[A-Z0-9]{5,6}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
  // the same key with its second and third groups written together (11 characters)
  "onepassword_secret_key_joined 1password A3-[A-Z0-9]{6}-[A-Z0-9]{11}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
  // Atlassian and Bitbucket: API tokens (ATATT3...), app passwords (ATBB...).
  "atlassian_api_token atlassian ATATT3[A-Za-z0-9_=-]{60,300}",
  "atlassian_connect_token atlassian ATCTT3[A-Za-z0-9_=-]{60,300}",
  // Data Center PATs (Jira, Confluence): base64 of `<12-digit id>:<random>`, so they start with a
  // decimal digit's base64 pair and the `:` puts an O at offset 16
  "atlassian_datacenter_pat atlassian (MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9]{14}O[A-Za-z0-9+/]{27}",
  // API tokens before ATATT3 (24 letters and digits) under an Atlassian product's name; Bitbucket Data Center HTTP access tokens
  "atlassian_legacy_api_token atlassian [A-Za-z0-9]{24} kw=atlassian|jira_api|jira_token|confluence_api|confluence_token",
  "bitbucket_datacenter_token atlassian BBDC-[A-Za-z0-9+/=_-]{40,60}",
  "bitbucket_app_password bitbucket ATBB[A-Za-z0-9_=.-]{28,40}",
  "bitbucket_client_secret bitbucket [A-Za-z0-9=_-]{64} kw=bitbucket_client_secret|bitbucket_secret",
  // JFrog: API keys (AKCp) and identity/reference tokens (base64 of "reftkn:").
  "jfrog_api_key jfrog AKCp[A-Za-z0-9]{60,80}",
  "jfrog_identity_token jfrog [a-z0-9]{64} kw=jfrog|artifactory",
  "jfrog_api_key_named jfrog [a-z0-9]{73} kw=jfrog|artifactory",
  "jfrog_reference_token jfrog cmVmdGtu[A-Za-z0-9]{50,80}",
  // Shopify: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens
  "shopify_access_token shopify shpat_[A-Za-z0-9]{32,40}",
  "shopify_shared_secret shopify shpss_[A-Za-z0-9]{32,40}",
  "shopify_custom_app_token shopify shpca_[A-Za-z0-9]{32,40}",
  "shopify_private_app_token shopify shppa_[A-Za-z0-9]{32,40}",
  // Square: https://developer.squareup.com/docs/build-basics/access-tokens
  "square_access_token square EAAA[A-Za-z0-9_-]{22,64}",
  "square_oauth_token square sq0atp-[A-Za-z0-9_-]{22}",
  "square_oauth_secret square (sq0csp-|sq0csb-|sandbox-sq0csb-)[A-Za-z0-9_-]{40,50}",
  "facebook_explorer_token facebook EAACEdEose0cBA[A-Za-z0-9]{20,400}",
  "facebook_access_token facebook EAA[A-Za-z0-9]{80,400}",
  // an app access token: `<app id>|<app secret or token>` (https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens)
  "facebook_app_access_token facebook [0-9]{15,16}\\|[A-Za-z0-9_-]{27,40}",
  "facebook_app_secret facebook [A-Za-z0-9]{32} kw=facebook|fb_secret|fb_app_secret",
  // Twilio: account SIDs (AC), API key SIDs (SK), 32 hex.
  "twilio_account_sid twilio AC[a-f0-9]{32}",
  "twilio_api_key twilio SK[a-f0-9]{32}",
  "twilio_auth_token twilio [A-Fa-f0-9]{32} kw=twilio_auth|twilio_token|twilio_secret|twilio_key|twilio_api_secret",
  // SendGrid: https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys
  "sendgrid_api_key sendgrid SG.[A-Za-z0-9_-]{20,24}.[A-Za-z0-9_-]{39,50}",
  // gitleaks reads any 66 characters after `SG.` (dots and `=` among them)
  "sendgrid_api_key_flat sendgrid SG.[A-Za-z0-9_.=-]{66}",
  // Discord: bot tokens (id.timestamp.hmac) and webhooks.
  // the first part is the user id (17-19 decimal digits) in base64: 24-26 characters starting with one of nine pairs
  "discord_bot_token discord (MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9_-]{22,24}.[A-Za-z0-9_-]{6}.[A-Za-z0-9_-]{27,40}",
  "discord_bot_authorization discord Bot\\s[A-Za-z0-9_-]{24,28}.[A-Za-z0-9_-]{6}.[A-Za-z0-9_-]{27,40} keep=4",
  "discord_client_secret discord [A-Za-z0-9_-]{32} kw=discord ent=2.5",
  "discord_app_key discord [a-f0-9]{64} kw=discord",
  "discord_webhook discord (discord.com/api/webhooks/|discordapp.com/api/webhooks/|discord.com\\\\/api\\\\/webhooks\\\\/|discordapp.com\\\\/api\\\\/webhooks\\\\/)[0-9]{17,20}/[A-Za-z0-9_-]{60,68}",
  // Telegram: https://core.telegram.org/bots/api#authorizing-your-bot
  // `<bot id>:<35 characters>`, which start with A (core.telegram.org: 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11)
  "telegram_bot_token telegram [0-9]{5,16}:A[A-Za-z0-9_-]{33,34}",
  // a secret part not starting `A` only under Telegram's name, or in an Apprise `tgram://` URL
  "telegram_bot_token_named telegram [0-9]{5,16}:[A-Za-z0-9_-]{35} kw=telegram|tgram",
  "telegram_apprise_url telegram tgram://[0-9]{5,16}:[A-Za-z0-9_-]{35} keep=8",
  // Slack: https://api.slack.com/authentication/token-types
  "slack_bot_token slack_token xoxb-[A-Za-z0-9-]{10,250}",
  "slack_user_token slack_token xoxp-[A-Za-z0-9-]{10,250}",
  "slack_workspace_app_token slack_token xoxa-[A-Za-z0-9-]{10,250}",
  "slack_refresh_token slack_token xoxr-[A-Za-z0-9-]{10,250}",
  "slack_legacy_token slack_token xoxs-[A-Za-z0-9-]{10,250}",
  "slack_org_token slack_token xoxo-[A-Za-z0-9-]{10,250}",
  "slack_config_refresh_token slack_token xoxe-[A-Za-z0-9-]{10,250}",
  "slack_config_access_token slack_token (xoxe.xoxp-|xoxe.xoxb-)[A-Za-z0-9-]{10,300}",
  "slack_app_level_token slack_token xapp-[A-Za-z0-9-]{20,250}",
  "slack_webhook slack_token (hooks.slack.com/services/|hooks.slack.com/workflows/|hooks.slack.com/triggers/|hooks.slack.com\\\\/services\\\\/|hooks.slack.com\\\\/workflows\\\\/|hooks.slack.com\\\\/triggers\\\\/)[A-Za-z0-9/_-]{20,200}",
  // Stripe: https://docs.stripe.com/keys (test keys authenticate too; publishable keys are public)
  "stripe_secret_key stripe_key (sk_live_|sk_test_|sk_prod_)[A-Za-z0-9]{24,247}",
  "stripe_restricted_key stripe_key (rk_live_|rk_test_|rk_prod_)[A-Za-z0-9]{24,247}",
  "stripe_webhook_secret stripe_key whsec_[A-Za-z0-9]{32,64}",
  // Google: https://cloud.google.com/docs/authentication/api-keys, OAuth clients and tokens.
  "google_api_key_aiza google_api_key AIza[A-Za-z0-9_-]{35}",
  "google_oauth_client_secret google_oauth GOCSPX-[A-Za-z0-9_-]{28}",
  "google_oauth_access_token google_oauth ya29.[A-Za-z0-9_-]{20,1024}",
  "google_oauth_refresh_token google_oauth 1//0[A-Za-z0-9_-]{40,300}",
  "google_service_account_key_id google_oauth [a-f0-9]{40} kw=private_key_id",
  "gcp_key_named google_oauth [A-Za-z0-9]{35,40} kw=gcp_secret|gcp_key|gcp_private_key",
  "firebase_cloud_messaging_key firebase AAAA[A-Za-z0-9_-]{7}:[A-Za-z0-9_-]{140}",
  // age: https://age-encryption.org/v1 (Bech32 secret keys)
  "age_secret_key age AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
  // DigitalOcean: https://docs.digitalocean.com/reference/api/create-personal-access-token/
  "digitalocean_pat digitalocean dop_v1_[a-f0-9]{64}",
  "digitalocean_oauth_token digitalocean doo_v1_[a-f0-9]{64}",
  "digitalocean_refresh_token digitalocean dor_v1_[a-f0-9]{64}",
  // Doppler: https://docs.doppler.com/reference/api#authentication
  "doppler_personal_token doppler dp.pt.[A-Za-z0-9]{40,44}",
  "doppler_service_token doppler dp.st.[A-Za-z0-9._-]{40,90}",
  "doppler_cli_token doppler dp.ct.[A-Za-z0-9]{40,44}",
  "doppler_scim_token doppler dp.scim.[A-Za-z0-9]{40,44}",
  "doppler_audit_token doppler dp.audit.[A-Za-z0-9]{40,44}",
  "doppler_service_account_token doppler dp.sa.[A-Za-z0-9]{40,44}",
  // Databricks: https://docs.databricks.com/en/dev-tools/auth/pat.html
  "databricks_token databricks dapi[a-fA-F0-9]{32}[0-9-]{0,3}",
  "databricks_oauth_secret databricks dose[a-f0-9]{32}",
  // Dynatrace: https://docs.dynatrace.com/docs/manage/access-control/access-tokens
  "dynatrace_api_token dynatrace dt0c01.[A-Za-z0-9]{24}.[A-Za-z0-9]{64}",
  "digitalocean_legacy_token digitalocean [A-Za-z0-9_-]{64} kw=digitalocean",
  "dynatrace_platform_token dynatrace (dt0s01.|dt0s02.|dt0s08.|dt0s09.|dt0s16.)[A-Z0-9]{24}.[A-Z0-9]{64}",
  // Grafana: service account tokens, Cloud access policy tokens, legacy API keys.
  "grafana_service_account_token grafana glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
  "grafana_cloud_token grafana glc_[A-Za-z0-9+/]{32,400}[=]{0,2}",
  "grafana_api_key grafana eyJrIjoi[A-Za-z0-9+/]{50,200}[=]{0,2}",
  // Heroku
  "heroku_platform_token heroku HRKU-[A-Za-z0-9_-]{40,100}",
  "heroku_api_key heroku " + UUID_CI + " kw=heroku",
  // Linear
  "linear_api_key linear lin_api_[A-Za-z0-9]{40}",
  "linear_oauth_token linear lin_oauth_[a-f0-9]{64}",
  "linear_client_secret linear [a-f0-9]{32} kw=linear",
  // Mailgun, Mailchimp
  // the documentation's own example key (key-3ax6xnjp29jd6fds4gc373sgvjxteol0) is not hex
  "mailgun_api_key mailgun key-[a-z0-9]{32}",
  "mailgun_public_key mailgun pubkey-[a-f0-9]{32}",
  "mailgun_private_key mailgun [a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8} kw=mailgun",
  "mailgun_key_named mailgun [A-Za-z0-9]{32,72} kw=mailgun sp",
  "mailchimp_api_key mailchimp [a-f0-9]{32}-us[0-9]{1,2}",
  // New Relic: https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
  "newrelic_user_key newrelic NRAK-[A-Za-z0-9]{27}",
  "newrelic_admin_key newrelic NRAA-[a-f0-9]{27}",
  "newrelic_insights_insert_key newrelic NRII-[A-Za-z0-9_-]{25,32}",
  "newrelic_insights_query_key newrelic NRIQ-[A-Za-z0-9_-]{25,32}",
  "newrelic_browser_key newrelic (NRJS-|NRBR-)[a-f0-9]{19}",
  "newrelic_license_key newrelic [A-Za-z0-9]{40} kw=new_relic_license|newrelic_license|nr_license|nria_license",
  // gitleaks' `new-relic-user-api-id`: 64 letters and digits under New Relic's name
  "newrelic_user_api_id newrelic [a-z0-9]{64} kw=new_relic|newrelic|new-relic",
  // Kingfisher's and trufflehog's personal API key: 4, a dash, 42, under New Relic's name
  "newrelic_personal_key_named newrelic [A-Za-z0-9_.]{4}-[A-Za-z0-9_.]{42} kw=new_relic|newrelic|new-relic",
  // EU-region license keys carry their region first; any license key ends `NRAL`, mobile app tokens `-NRMA`
  "newrelic_eu_license_key newrelic eu01xx[A-Fa-f0-9]{30}NRAL",
  // US license keys: 32 hex, then `FFFFNRAL` (their mark is at the end: found where a word ends)
  "newrelic_us_license_key newrelic [a-f0-9]{32}FFFFNRAL",
  "newrelic_mobile_app_token newrelic [A-Za-z0-9]{42}-NRMA",
  "newrelic_rest_api_key newrelic NRRA-[a-f0-9]{42}",
  // Pixie (New Relic's Kubernetes observability): API and deploy keys
  "newrelic_pixie_key newrelic (px-api-|px-dep-)" + UUID,
  // Okta: API tokens (SSWS) start 00 + 40.
  "okta_api_token okta 00[A-Za-z0-9_=-]{40} kw=okta",
  // PlanetScale, Postman, Pulumi, RubyGems
  "planetscale_password planetscale pscale_pw_[A-Za-z0-9_.=-]{32,64}",
  "planetscale_service_token planetscale pscale_tkn_[A-Za-z0-9_.=-]{32,64}",
  "planetscale_oauth_token planetscale pscale_oauth_[A-Za-z0-9_.=-]{32,64}",
  "postman_api_key postman PMAK-[A-Za-z0-9-]{59}",
  "pulumi_access_token pulumi pul-[a-z0-9]{40}",
  "rubygems_api_key rubygems rubygems_[A-Za-z0-9]{48}",
  // Sentry, Snyk, Sumo Logic, Tailscale, Vercel
  "sentry_org_token sentry sntrys_eyJ[A-Za-z0-9+/=_-]{50,1024}",
  "sentry_user_token sentry sntryu_[a-f0-9]{64}",
  "sentry_auth_token sentry [a-f0-9]{64} kw=sentry",
  "snyk_token snyk " + UUID_CI + " kw=snyk",
  "sumologic_access_key sumologic [A-Za-z0-9]{64} kw=sumo",
  "sumologic_access_id sumologic su[A-Za-z0-9]{12} kw=sumo",
  "tailscale_key tailscale tskey-[a-z]{3,8}-[A-Za-z0-9_-]{10,200}",
  "vercel_token vercel (vcp_|vci_|vca_|vcr_|vck_)[A-Za-z0-9]{24,64}",
  "vercel_legacy_token vercel [A-Za-z0-9]{24} kw=vercel sp",
  // Cloudflare, Fastly
  "cloudflare_origin_ca_key cloudflare v1.0-[a-f0-9]{24,64}-[a-f0-9-]{100,400}",
  // self-identifying tokens (2025): user and account API tokens, the global API key; 8 hex of checksum last
  "cloudflare_prefixed_token cloudflare (cfut_|cfat_|cfk_)[A-Za-z0-9]{40}[a-f0-9]{8}",
  "cloudflare_api_token cloudflare [A-Za-z0-9_-]{40} kw=cloudflare|cf_api|cf-api",
  "cloudflare_global_api_key cloudflare [a-f0-9]{37} kw=cloudflare|cf_api|cf-api|x-auth-key",
  "fastly_api_token fastly [A-Za-z0-9_=-]{32} kw=fastly",
  // Alibaba Cloud
  // up to 21 after LTAI: trufflehog's LTAI[a-zA-Z0-9]{17,21} (gitleaks: 20)
  "alibaba_access_key_id alibaba LTAI[A-Za-z0-9]{12,21}",
  "alibaba_access_key_secret alibaba [A-Za-z0-9]{30} kw=alibaba|aliyun|accesskeysecret|access_key_secret",
  // Adafruit, Airtable, Asana, Beamer
  "adafruit_io_key adafruit aio_[A-Za-z0-9]{28}",
  "adafruit_io_key_named adafruit [A-Za-z0-9_-]{32} kw=adafruit",
  "airtable_pat airtable pat[A-Za-z0-9]{14}.[a-f0-9]{64}",
  // OAuth access and refresh tokens: `<id>.v1.<payload>`
  "airtable_oauth_token airtable [A-Za-z0-9]{14,40}.v1.[A-Za-z0-9_.-]{40,1024}",
  "airtable_api_key airtable key[A-Za-z0-9]{14} kw=airtable",
  // `<version>/<user id>:<secret>`, and since 2023 `<version>/<user id>/<token id>:<secret>`
  "asana_pat asana [0-9]{1,4}/[0-9/]{16,40}:[A-Za-z0-9]{32,80}",
  "asana_legacy_key asana [0-9]{16}:[A-Za-z0-9]{32} kw=asana",
  "asana_client_secret asana [A-Za-z0-9]{32,35} kw=asana",
  // OAuth access tokens `1/<16 digits>:<32 hex>` (51 characters) and the first PATs `0/<32 hex>`, under Asana's name
  "asana_oauth_token asana [a-z0-9/:]{51} kw=asana",
  "asana_legacy_pat asana [0-9]/[a-f0-9]{32} kw=asana",
  "beamer_api_key beamer b_[A-Za-z0-9=_-]{44} kw=beamer",
  "beamer_api_key_bare beamer [A-Za-z0-9_+/]{45}= kw=beamer",
  // Clojars, Contentful, Coinbase, Confluent, Datadog
  "clojars_token clojars CLOJARS_[a-z0-9]{60}",
  "contentful_pat contentful CFPAT-[A-Za-z0-9_-]{43}",
  "contentful_delivery_token contentful [A-Za-z0-9=_-]{43} kw=contentful",
  "coinbase_api_secret coinbase [A-Za-z0-9_+/=-]{64,100} kw=coinbase",
  "coinbase_api_key coinbase [A-Za-z0-9]{32} kw=coinbase",
  "confluent_api_secret confluent [A-Za-z0-9+/]{64} kw=confluent",
  "confluent_api_key confluent [A-Za-z0-9]{16} kw=confluent",
  "datadog_api_key datadog [a-f0-9]{32} kw=datadog|dd_api_key|dd-api-key|dd_apikey",
  "datadog_app_key datadog [a-f0-9]{40} kw=datadog|dd_app_key|dd-application-key|dd_application_key|dd_appkey",
  // Dropbox, Duffel, EasyPost, Figma, Flutterwave, Frame.io
  "dropbox_short_lived_token dropbox sl.[A-Za-z0-9._-]{130,1000}",
  "dropbox_long_lived_token dropbox [a-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43} kw=dropbox noph",
  // app keys and secrets: 15 letters and digits
  "dropbox_app_secret dropbox [a-z0-9]{15} kw=dropbox",
  "duffel_api_token duffel (duffel_test_|duffel_live_)[A-Za-z0-9_=-]{43}",
  "easypost_api_key easypost EZAK[A-Za-z0-9]{54}",
  "easypost_test_key easypost EZTK[A-Za-z0-9]{54}",
  "figma_pat figma (figd_|figp_|figr_|figu_|figo_)[A-Za-z0-9_=-]{40,54}",
  "figma_legacy_pat figma [0-9]{4,6}-[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12} kw=figma",
  "flutterwave_secret_key flutterwave (FLWSECK-|FLWSECK_TEST-)[A-Za-z0-9]{32}-X",
  "flutterwave_encryption_key flutterwave (FLWSECK_TEST|FLWSECK_TEST-)[a-f0-9]{12}",
  "frameio_api_token frameio fio-u-[A-Za-z0-9_=-]{64}",
  // GoCardless, Harness, Intercom, Kraken, LaunchDarkly, Lob, Mapbox, MessageBird
  "gocardless_api_token gocardless (live_|sandbox_)[A-Za-z0-9_=-]{40,44} ctx=gocardless",
  "harness_access_token harness (pat.|sat.)[A-Za-z0-9_-]{22}.[A-Za-z0-9]{24}.[A-Za-z0-9]{20}",
  "intercom_access_token intercom [A-Za-z0-9=_-]{60} kw=intercom",
  "kraken_private_key kraken [A-Za-z0-9/=+]{80,90} kw=kraken",
  "launchdarkly_key launchdarkly (api-|sdk-|mob-)" + UUID + " ctx=launchdarkly|ldclient|ld_|ld-",
  "lob_api_key lob (live_|test_)[a-f0-9]{35} ctx=lob",
  // secret (sk.) and temporary (tk.) tokens; public tokens (pk.) are published in web pages by design
  "mapbox_secret_token mapbox (sk.eyJ|tk.eyJ)[A-Za-z0-9_-]{30,200}.[A-Za-z0-9_-]{20,40}",
  "messagebird_api_key messagebird [A-Za-z0-9_-]{25} kw=messagebird|message_bird|msgbird",
  // Netlify, NYTimes, Prefect, ReadMe, Scalingo, Brevo (Sendinblue), Shippo, Sidekiq
  "netlify_pat netlify nfp_[A-Za-z0-9]{36,40}",
  "netlify_access_token netlify [A-Za-z0-9_=-]{40,64} kw=netlify",
  "nytimes_api_key nytimes [A-Za-z0-9=_-]{32} kw=nytimes|nyt_api|new_york_times",
  "prefect_api_key prefect (pnu_|pnb_)[A-Za-z0-9]{36}",
  "readme_api_key readme rdme_[a-z0-9]{70}",
  "scalingo_api_token scalingo tk-us-[A-Za-z0-9_-]{48}",
  "brevo_api_key brevo xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}",
  "brevo_smtp_key brevo xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}",
  // hex in either case (gitleaks, Kingfisher)
  "shippo_api_token shippo (shippo_live_|shippo_test_)[a-fA-F0-9]{40}",
  "sidekiq_secret sidekiq [a-f0-9]{8}:[a-f0-9]{8} kw=bundle_enterprise__contribsys__com|bundle_gems__contribsys__com",
  // Squarespace, Travis, Typeform, Yandex, Zendesk
  "squarespace_api_key squarespace " + UUID_CI + " kw=squarespace",
  "travis_api_token travis [A-Za-z0-9]{22} kw=travis",
  "typeform_pat typeform tfp_[A-Za-z0-9_.=-]{40,59}",
  "typeform_legacy_token typeform [A-Za-z0-9]{44} kw=typeform",
  "yandex_api_key yandex AQVN[A-Za-z0-9_-]{35,38}",
  // Yandex Cloud IAM tokens: `t1.<header>.<86-character signature>`
  "yandex_iam_token yandex t1.[A-Za-z0-9_=-]{2,100}.[A-Za-z0-9_-]{86}[=]{0,2}",
  "yandex_access_key yandex YC[A-Za-z0-9_-]{38}",
  "yandex_oauth_token yandex (y0_|y1_|y2_|y3_)[A-Za-z0-9_-]{55}",
  "zendesk_api_token zendesk [A-Za-z0-9]{40} kw=zendesk",
  "yandex_named_token yandex [A-Za-z0-9.]{83} kw=yandex",
  // Developer platforms and CI
  "buildkite_token buildkite bkua_[a-z0-9]{40}",
  "buildkite_legacy_token buildkite [a-z0-9]{40} kw=buildkite",
  "circleci_pat circleci CCIPAT_[A-Za-z0-9]{22,24}_[A-Za-z0-9]{40}",
  "circleci_token circleci [a-fA-F0-9]{40} kw=circle_token|circleci_token|circle-token|circleci",
  "docker_hub_pat docker dckr_pat_[A-Za-z0-9_-]{27}",
  "docker_hub_org_token docker dckr_oat_[A-Za-z0-9_-]{32}",
  // a registry login in a Docker config (`{"auths": {"<registry>": {"auth": "<base64 user:password>"}}}`)
  "docker_config_auth docker [A-Za-z0-9+/]{8,4096}[=]{0,2} kw=auth ctx=auths\\\"|auths\"",
  // an `auth` whose value is base64 of `user:password` is a credential wherever its `auths` is
  "docker_config_auth_basic docker [A-Za-z0-9+/]{8,4096}[=]{0,2} kw=auth basic",
  // Google registries' docker login with a service-account key: base64 of `_json_key:` or `_json_key_base64:` and the key
  "docker_gcr_json_key docker (X2pzb25fa2V5O|X2pzb25fa2V5X2Jhc2U2NDo)[A-Za-z0-9+/]{100,4096}[=]{0,2}",
  "docker_hub_legacy_pat docker [a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12} kw=dockerhub|docker_hub|docker_token|docker_pat|docker_password",
  "flyio_token flyio (fo1_|fm1r_|fm1a_|fm2_)[A-Za-z0-9+/=_-]{40,1024}",
  "defined_networking_key defined_networking dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}",
  "octopus_deploy_key octopus API-[A-Z0-9]{26,31}",
  "openshift_token openshift sha256~[A-Za-z0-9_-]{43}",
  "sonarqube_token sonarqube (sqp_|squ_|sqa_)[A-Za-z0-9]{40}",
  // user tokens before SonarQube 9.5: 40 hex, no prefix
  "sonarqube_legacy_token sonarqube [A-Za-z0-9]{40} kw=sonar|dsonar",
  "sourcegraph_token sourcegraph sgp_[A-Za-z0-9_]{40,64}",
  "sourcegraph_license_key sourcegraph slk_[a-f0-9]{64}",
  "sourcegraph_legacy_token sourcegraph [a-fA-F0-9]{40} kw=sourcegraph|src_access_token",
  "infracost_api_key infracost ico-[A-Za-z0-9]{32}",
  "intra42_secret intra42 (s-s4t2ud-|s-s4t2af-)[a-f0-9]{64}",
  "nuget_api_key nuget oy2[a-z0-9]{43}",
  "nuget_api_key_named nuget [a-z0-9]{46} kw=nuget sp",
  "supabase_pat supabase sbp_[a-f0-9]{40}",
  "supabase_secret_key supabase sb_secret_[A-Za-z0-9_-]{31,64}",
  "notion_integration_token notion ntn_[0-9]{11}[A-Za-z0-9]{35}",
  "notion_legacy_token notion secret_[A-Za-z0-9]{43}",
  "hubspot_pat hubspot (pat-na1-|pat-eu1-)" + UUID,
  "hubspot_api_key hubspot [A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12} kw=hubspot|hapikey",
  "telnyx_api_key telnyx KEY[0-9A-F]{32}_[A-Za-z0-9]{22}",
  "plaid_access_token plaid (access-sandbox-|access-development-|access-production-)" + UUID,
  // secrets (30 letters and digits) have no mark: under Plaid's name
  "plaid_secret_key plaid [a-z0-9]{30} kw=plaid",
  "braintree_access_token braintree (access_token$production$|access_token$sandbox$)[a-z0-9]{16}$[a-f0-9]{32}",
  "razorpay_key razorpay (rzp_live_|rzp_test_)[A-Za-z0-9]{14}",
  "razorpay_key_secret razorpay [A-Za-z0-9]{24} kw=razorpay",
  "salesforce_access_token salesforce [0][0][A-Za-z0-9]{13}![A-Za-z0-9._]{80,120}",
  "salesforce_refresh_token salesforce 5Aep861[A-Za-z0-9._]{70,100}",
  "zapier_webhook zapier (hooks.zapier.com/hooks/catch/|hooks.zapier.com\\\\/hooks\\\\/catch\\\\/)[0-9]{5,10}/[A-Za-z0-9]{5,10}",
  // Teams workflows (Power Automate) URLs carry their signature as a `sig=` parameter
  "teams_workflow_signature microsoft_teams sig=[A-Za-z0-9_-]{43} keep=4 ctx=powerautomate|powerplatform|workflows|paths/invoke",
  "teams_webhook microsoft_teams [A-Za-z0-9-]{1,63}.webhook.office.com/webhookb2/[A-Za-z0-9@/_-]{50,300}",
  "auth0_client_secret auth0 [A-Za-z0-9_-]{64,72} kw=auth0",
  // longer secrets only under a name that says secret (`auth0Client` is the SDK's telemetry, base64 JSON)
  "auth0_client_secret_long auth0 [A-Za-z0-9_-]{73,200} kw=auth0_client_secret|auth0clientsecret|auth0_secret|auth0secret",
  "algolia_api_key algolia [A-Za-z0-9]{32} kw=algolia",
  "pagerduty_api_key pagerduty [A-Za-z0-9_+-]{20} kw=pagerduty|pd_api|pd_token|pd_key",
  // unnamed: 80 characters or more (real ones are about 110), so a line of wrapped base64 (76
  // characters in MIME and mysqlbinlog's `BINLOG '…'`, 64 in PEM) of zero bytes is not one
  "twitter_bearer_token twitter AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{59,120} noph",
  // consumer (API) key and secret, access token (`<user id>-<40>`) and its secret, under Twitter's name
  // (a bearer token under Twitter's name first: the shorter shapes below would take its first part)
  "twitter_bearer_token_named twitter AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,120} kw=twitter noph",
  "twitter_access_token twitter [0-9]{15,25}-[A-Za-z0-9]{20,40} kw=twitter",
  "twitter_api_key twitter [A-Za-z0-9]{25} kw=twitter",
  "twitter_api_secret twitter [A-Za-z0-9]{35,50} kw=twitter",
  // a percent-encoded bearer token not starting with Twitter's run of `A` (Kingfisher's v2 form)
  "twitter_bearer_token_any twitter [A-Za-z0-9%]{60,200} kw=twitter",
  "twitch_api_token twitch [a-z0-9]{30} kw=twitch",
  "twitch_stream_key twitch live_[0-9]{5,12}_[A-Za-z0-9]{30}",
  "etsy_api_key etsy [a-z0-9]{24} kw=etsy",
  "mattermost_token mattermost [a-z0-9]{26} kw=mattermost",
  // AI providers
  "groq_api_key groq gsk_[A-Za-z0-9]{52}",
  "perplexity_api_key perplexity pplx-[A-Za-z0-9]{48}",
  "replicate_api_token replicate r8_[A-Za-z0-9]{37,48}",
  "xai_api_key xai xai-[A-Za-z0-9_]{80}",
  "langsmith_api_key langsmith (lsv2_pt_|lsv2_sk_)[a-f0-9]{32}_[a-f0-9]{10}",
  "pinecone_api_key pinecone pcsk_[A-Za-z0-9_]{50,80}",
  "cohere_api_key cohere [A-Za-z0-9]{40} kw=cohere|co_api_key",
  "mistral_api_key mistral [A-Za-z0-9]{32} kw=mistral",
  "wandb_api_key wandb [a-f0-9]{40} kw=wandb sp",
];

/** Registers the built-in pack (start-up); returns the problems (none in a correct build). */
export function registerBuiltinPack(): string[] {
  const problems = new Array<string>();
  for (let k = 0; k < BUILTIN_RULES.length; k++) {
    const line = BUILTIN_RULES[k];
    const parts = line.split(" ");
    const spec = new RuleSpec();
    spec.id = parts[0];
    spec.family = parts[1];
    spec.kind = Kind.Credential;
    spec.pattern = parts[2];
    for (let o = 3; o < parts.length; o++) {
      const opt = parts[o];
      if (opt.startsWith("kw=")) spec.keywords = opt.substring(3).split("|");
      else if (opt.startsWith("ctx=")) spec.context = opt.substring(4).split("|");
      else if (opt.startsWith("ent=")) spec.minEntropy = parseFloat(opt.substring(4));
      else if (opt.startsWith("keep=")) spec.keepPrefix = I32.parseInt(opt.substring(5));
      else if (opt == "ci") spec.caseInsensitive = true;
      else if (opt == "crc") spec.flags |= 4;
      else if (opt == "noph") spec.flags |= 2;
      else if (opt == "sp") spec.flags |= 32;
      else if (opt == "basic") spec.flags |= 64;
      else problems.push(spec.id + ": unknown option " + opt);
    }
    const error = registerPattern(spec, false);
    if (error.length > 0) problems.push(spec.id + ": " + error);
  }
  return problems;
}
