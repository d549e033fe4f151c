package secrets

import (
	"regexp"
	"strings"
)

// Token formats gitleaks v8.30.1 misses in prompts. They were found by an independent check set written for Bulwark
// (testdata/independent/README.md): gitleaks' rules for these vendors want
// the vendor's name and an assignment operator right before the token
// ("telegram_token = …"), while a prompt pastes the token into code that
// names the library instead ("tgbotapi.NewBotAPI(\"…\")", "bot.run(\"…\")")
// or into prose. Each format here is distinctive on its own: a fixed
// prefix, separators and lengths that ordinary text and other identifiers
// do not have.
var vendorTokens = []struct {
	id, typ  string
	keywords []string // lower case; the rule runs only when one occurs
	re       *regexp.Regexp
}{
	// Telegram bot token: bot id, ':', "AA" and 33 more characters.
	{"bulwark-telegram-bot-token", "TELEGRAM_BOT_API_TOKEN", []string{":aa"},
		regexp.MustCompile(`\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b`)},
	// Discord bot token: base64 of the bot's snowflake id (M, N or O
	// first), a 6-character timestamp and an HMAC, dot-separated. Only in
	// texts that mention Discord: without the name, three dotted base64
	// runs are too common a shape.
	{"bulwark-discord-bot-token", "DISCORD_API_TOKEN", []string{"discord"},
		regexp.MustCompile(`\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b`)},
	// Discord webhook URL: whoever has it can post to the channel.
	{"bulwark-discord-webhook", "DISCORD_WEBHOOK", []string{"/api/webhooks/"},
		regexp.MustCompile(`https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,72}`)},
	// Mercado Pago access token.
	{"bulwark-mercadopago-access-token", "MERCADOPAGO_ACCESS_TOKEN", []string{"app_usr-"},
		regexp.MustCompile(`\bAPP_USR-[0-9]{16}-[0-9]{6}-[0-9a-f]{32}-[0-9]{6,10}\b`)},
	// Dropbox short-lived access token ("sl." or "sl.u." and a long
	// base64url body; gitleaks wants "sl." and exactly 135 characters, and
	// current tokens are longer).
	{"bulwark-dropbox-token", "DROPBOX_API_TOKEN", []string{"dropbox"},
		regexp.MustCompile(`\bsl\.(?:[a-z]\.)?[A-Za-z0-9_-]{130,200}\b`)},
	// AI and developer platforms whose keys gitleaks v8.30.1 has no rule
	// for (or, for OpenAI and Anthropic, only the exact lengths of one
	// generation of keys). These are the keys most likely to be pasted
	// into a prompt sent through an AI gateway.
	{"bulwark-openai-api-key", "OPENAI_API_KEY", []string{"sk-proj-", "sk-svcacct-", "sk-admin-"},
		regexp.MustCompile(`\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}`)},
	{"bulwark-anthropic-api-key", "ANTHROPIC_API_KEY", []string{"sk-ant-"},
		regexp.MustCompile(`\bsk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{80,120}AA`)},
	{"bulwark-groq-api-key", "GROQ_API_KEY", []string{"gsk_"},
		regexp.MustCompile(`\bgsk_[A-Za-z0-9]{48,56}`)},
	{"bulwark-xai-api-key", "XAI_API_KEY", []string{"xai-"},
		regexp.MustCompile(`\bxai-[A-Za-z0-9]{70,90}`)},
	{"bulwark-openrouter-api-key", "OPENROUTER_API_KEY", []string{"sk-or-"},
		regexp.MustCompile(`\bsk-or-v1-[a-f0-9]{64}`)},
	// sk- and 32 hex digits: DeepSeek, Moonshot and other OpenAI-compatible
	// providers.
	{"bulwark-sk-hex-api-key", "API_KEY", []string{"sk-"},
		regexp.MustCompile(`\bsk-[a-f0-9]{32}`)},
	{"bulwark-replicate-api-token", "REPLICATE_API_TOKEN", []string{"r8_"},
		regexp.MustCompile(`\br8_[A-Za-z0-9]{37}`)},
	{"bulwark-pinecone-api-key", "PINECONE_API_KEY", []string{"pcsk_"},
		regexp.MustCompile(`\bpcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,80}`)},
	{"bulwark-langsmith-api-key", "LANGSMITH_API_KEY", []string{"lsv2_"},
		regexp.MustCompile(`\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}`)},
	{"bulwark-supabase-access-token", "SUPABASE_ACCESS_TOKEN", []string{"sbp_"},
		regexp.MustCompile(`\bsbp_[a-f0-9]{40}`)},
	{"bulwark-figma-access-token", "FIGMA_ACCESS_TOKEN", []string{"figd_"},
		regexp.MustCompile(`\bfigd_[A-Za-z0-9_-]{38,44}`)},
	{"bulwark-google-oauth-client-secret", "GCP_OAUTH_CLIENT_SECRET", []string{"gocspx-"},
		regexp.MustCompile(`\bGOCSPX-[A-Za-z0-9_-]{28}`)},
	{"bulwark-docker-pat", "DOCKER_ACCESS_TOKEN", []string{"dckr_pat_"},
		regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_-]{27}`)},
	{"bulwark-doppler-token", "DOPPLER_API_TOKEN", []string{"dp.st.", "dp.pt.", "dp.sa.", "dp.ct."},
		regexp.MustCompile(`\bdp\.(?:st|pt|sa|ct)\.[A-Za-z0-9_.-]{40,60}`)},
	// Stripe webhook signing secret (gitleaks has Stripe's API keys only).
	{"bulwark-stripe-webhook-secret", "STRIPE_KEY", []string{"whsec_"},
		regexp.MustCompile(`\bwhsec_[A-Za-z0-9+/]{32,64}`)},
	// Twitter/X app-only bearer token: 20+ 'A's, then a URL-encoded body
	// (the '%' rules out base64 blobs, which begin with zero bytes too).
	// The generic assignment check misses it, because gitleaks' stop word
	// "aaaaaa" is in every such token.
	{"bulwark-twitter-bearer-token", "TWITTER_BEARER_TOKEN", []string{"aaaaaaaaaaaaaaaaaaaa"},
		regexp.MustCompile(`\bA{20,24}[A-Za-z0-9]*%[A-Za-z0-9%]{30,}\b`)},
}

// vendorRules turns vendorTokens into rules.
func vendorRules() []rule {
	out := make([]rule, 0, len(vendorTokens))
	for _, v := range vendorTokens {
		re := v.re
		out = append(out, rule{id: v.id, typ: v.typ, keywords: v.keywords, score: 0.95, prio: prioSpecific,
			check: func(_ *Detector, text string, lo, hi int, out []candidate) []candidate {
				for _, m := range re.FindAllStringIndex(text[lo:hi], -1) {
					// A token that goes on past the format's longest body
					// is something else.
					if e := lo + m[1]; e < len(text) && isB64URL(text[e]) && isB64URL(text[e-1]) {
						continue
					}
					out = append(out, candidate{start: lo + m[0], end: lo + m[1], typ: v.typ, ruleID: v.id, score: 0.95, prio: prioSpecific})
				}
				return out
			}})
	}
	return out
}

// checkBearer finds bearer tokens: "Authorization: Bearer <token>" in a
// curl command, a headers dict or a log line, and "Bearer <token>" in
// prose. The token must look like a secret (length, character classes,
// entropy; not a placeholder). A JWT is left to the JWT check, which knows
// its structure.
func checkBearer(d *Detector, text string, lo, hi int, out []candidate) []candidate {
	for off := lo; off < hi; {
		i := indexFold(text[off:hi], "bearer")
		if i < 0 {
			return out
		}
		p := off + i + len("bearer")
		off = p
		if b := p - len("bearer"); b > 0 && isAlpha(text[b-1]) {
			continue // "forbearer"
		}
		s := p
		for s < len(text) && (text[s] == ' ' || text[s] == '\t') && s-p < 4 {
			s++
		}
		if s == p {
			continue // "bearer_token", "Bearer:" are assignments, not headers
		}
		e := s
		for e < len(text) && e-s <= 512 && isBearerByte(text[e]) {
			e++
		}
		for e > s && text[e-1] == '.' {
			e--
		}
		v := text[s:e]
		if strings.HasPrefix(v, "eyJ") || !secretLike(v, true, max(d.genMinLen, 16), d.genEntropy) {
			continue
		}
		out = append(out, candidate{start: s, end: e, typ: "BEARER_TOKEN", ruleID: RuleBearer, score: 0.85, prio: prioStructural})
		off = e
	}
	return out
}

// isBearerByte reports the bytes of RFC 6750's b64token.
func isBearerByte(c byte) bool {
	return isB64URL(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// jwtIOSample is the header and payload of the sample token on jwt.io's
// home page ({"sub":"1234567890","name":"John Doe","iat":1516239022}): it
// is pasted into questions about JWTs everywhere and grants nothing.
const jwtIOSample = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."

// knownSafe reports a candidate whose value is public by design: the
// jwt.io sample token, and the encrypted values of a Bitnami SealedSecret
// (safe to commit; only the cluster's controller can decrypt them).
func knownSafe(text string, c candidate) bool {
	v := text[c.start:c.end]
	if strings.HasPrefix(v, jwtIOSample) {
		return true
	}
	return strings.HasPrefix(v, "Ag") && len(v) > 100 && strings.Contains(text, "kind: SealedSecret")
}
