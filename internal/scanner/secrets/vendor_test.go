package secrets

import (
	"strings"
	"testing"
)

// Keys found by the independent check set's dev half and by the AI-provider
// formats gitleaks v8.30.1 lacks (vendor.go). Every value is random, built
// from parts so that the repository does not trip secret scanners; each case
// failed before the rule or fix it names.
func TestVendorAndContextForms(t *testing.T) {
	d := testDetector(t)
	anth := "sk-ant-api03-" + "odJFCrnl2edlBDdz1C5Jau2RJtBRnlWmTSHf6pWkLUyifDLkDmWJ6UuVTAIjvFu7WICPhDeOZIiBOB_Y6sHrFH2ZUCr_lAA"
	rk := "rk_live_" + "Wd3hjOkYRBMeyyMDHqJ38aRUhR4IWrXPvhsBkDa9U4UqGWlG6g3Ot1OGMmjxWkI9X7H6aMuFbh7x41Ztpdp4K8ffUF0eWIXiiQE"
	tests := []struct {
		name, text, secret string
	}{
		// gitleaks' token end did not allow sentence punctuation.
		{"anthropic key, then a full stop", "Voici ma clé : " + anth + ". Est-ce qu'elle a le bon format ?", anth},
		{"anthropic key, then a CJK comma", "key 是 " + anth + "，怎么查是哪里泄露的？", anth},
		{"stripe restricted key, then a full stop", "I committed this to a public repo: " + rk + ". Do I need to roll it?", rk},
		// connection string with a driver in the scheme
		{"sqlalchemy url", `create_engine("postgresql+psycopg2://ds_team:kelp-Harbor-824896@warehouse.prod.example.net:5432/dwh")`, "kelp-Harbor-824896"},
		// assignments the generic check did not parse
		{"xml password element", "<server>\n  <id>releases</id>\n  <password>Mvn!Dep9n7IWUSm</password>\n</server>", "Mvn!Dep9n7IWUSm"},
		{".netrc", "machine git.example.internal\n  login build\n  password TtzQPxC5HChpoevbLJoLoaeT\n", "TtzQPxC5HChpoevbLJoLoaeT"},
		{"bearer header", `HEADERS = {"Authorization": "Bearer Odoe5c3veGprQFnIiU74KKEpYEZAmggQBwBAD3UdRPPgdzUv"}`, "Odoe5c3veGprQFnIiU74KKEpYEZAmggQBwBAD3UdRPPgdzUv"},
		// standalone vendor formats
		{"telegram", `bot, err := tgbotapi.NewBotAPI("1333872624:AA` + `7Fj4mgblEv0_9BZhvWaXH6K2_tyLBhhOh")`, "1333872624:AA7Fj4mgblEv0_9BZhvWaXH6K2_tyLBhhOh"},
		{"discord bot", "import discord\nbot.run(\"MTdLEG62Hkd9Gf2leMeR3pzh84" + ".KpLMcN.k1OHAOEHYqM6Ojb6mjBHqSiFVKu4MbMnrHontI\")", "MTdLEG62Hkd9Gf2leMeR3pzh84.KpLMcN.k1OHAOEHYqM6Ojb6mjBHqSiFVKu4MbMnrHontI"},
		{"discord webhook", "curl -d @msg.json https://discord.com/api/webhooks/4935348740164005242/" + "42bojteVs3qfNUfTAFnT0tEuw0dwQ0FIunWe8Cz6SNDCdyZQJiJSZQdoHwHen3SO3oXy", "https://discord.com/api/webhooks/4935348740164005242/42bojteVs3qfNUfTAFnT0tEuw0dwQ0FIunWe8Cz6SNDCdyZQJiJSZQdoHwHen3SO3oXy"},
		{"mercado pago", `new MercadoPagoConfig({ accessToken: "APP_USR-` + `4060883561595148-465648-46dc59c0996daeee6f529a279764017f-917693676" })`, "APP_USR-4060883561595148-465648-46dc59c0996daeee6f529a279764017f-917693676"},
		{"dropbox", "The Dropbox token from the app console is sl.u." + "Fsan2Cw7gFp6r7O425u85HFJ_EJ4jKEIQOkrtDXtBi10Q71hA1XcW9aTMX1C_CI3_dXRZv7qdYdk2r7xgHWPB6PRWJ1Gk8cgSCifdFzctEq8oB7GVvouNndNWYzjFnMpfS2ViRb1_n now", "sl.u.Fsan2Cw7gFp6r7O425u85HFJ_EJ4jKEIQOkrtDXtBi10Q71hA1XcW9aTMX1C_CI3_dXRZv7qdYdk2r7xgHWPB6PRWJ1Gk8cgSCifdFzctEq8oB7GVvouNndNWYzjFnMpfS2ViRb1_n"},
		{"twitter bearer", `client = tweepy.Client(bearer_token="` + strings.Repeat("A", 22) + `B9xO51DTjBlUH9PrNZ6I%3DXEDB0ULru2p17fr4CpWDKNQyvbF2ulFnwZqvr4MS4rJaH8mfpU")`, strings.Repeat("A", 22) + "B9xO51DTjBlUH9PrNZ6I%3DXEDB0ULru2p17fr4CpWDKNQyvbF2ulFnwZqvr4MS4rJaH8mfpU"},
		{"groq", `Groq(api_key="gsk_` + `AFJWpSEPTFCYbfsozSptQLxEJHwBVJvwSDrtqohUmuhVI8WSlmnV")`, "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"},
		{"xai", `Client("xai-` + `ErULWHMsg1msoxltaTIircdJsS8iO3WFg3aKsEECvl9dq83Eh0ezFeKORdjjZK8tfphJWAMMYNoXHyC6")`, "xai-ErULWHMsg1msoxltaTIircdJsS8iO3WFg3aKsEECvl9dq83Eh0ezFeKORdjjZK8tfphJWAMMYNoXHyC6"},
		{"openrouter", `OpenAI(base_url=u, api_key="sk-or-v1-` + `e9d9136682575250def91799e2786d3748421599e3e9c8fe21da80270815fe85")`, "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"},
		{"sk- and 32 hex", `OpenAI(base_url="https://api.deepseek.com", api_key="sk-` + `df2fbdaa35adf9c1e2a8a3c0ed16bfe1")`, "sk-df2fbdaa35adf9c1e2a8a3c0ed16bfe1"},
		{"replicate", `Client("r8_` + `nrJi7sC4SFhbOMZpTktJaJAfo16hD8hP1jF7T")`, "r8_nrJi7sC4SFhbOMZpTktJaJAfo16hD8hP1jF7T"},
		{"pinecone", `Pinecone("pcsk_` + `sGTrA_1EEpDJjym6MGV4i3erXY2Av7YGr0asUt1LLQF3jCIEwvJWIyD7u3mSpKyo2XAc")`, "pcsk_sGTrA_1EEpDJjym6MGV4i3erXY2Av7YGr0asUt1LLQF3jCIEwvJWIyD7u3mSpKyo2XAc"},
		{"langsmith", `Client("lsv2_pt_` + `afcc4f14a3e3e04d42f8ac2acaf12797_2d33e5901a")`, "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"},
		{"supabase", `login("sbp_` + `19bbd47d5552c7f47e8e80e952eb9d8e96cf37cb")`, "sbp_19bbd47d5552c7f47e8e80e952eb9d8e96cf37cb"},
		{"figma", `Figma("figd_` + `LLcYJbg_KDTCyGrmfN4eUqlLP1wzqUIvG9LRo7js")`, "figd_LLcYJbg_KDTCyGrmfN4eUqlLP1wzqUIvG9LRo7js"},
		{"google oauth client secret", `Flow("GOCSPX-` + `CYUlYbHp6VHWVnD8dPCi7M0orfeM")`, "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"},
		{"docker pat", `echo "dckr_pat_` + `_omErX6V1t1m-0JeVB44EUmVThY" | docker login -u me --password-stdin`, "dckr_pat__omErX6V1t1m-0JeVB44EUmVThY"},
		{"doppler", `run("dp.st.prd.` + `rm9h820DfQnPOMbdYvpiYKne1WJnLn03ovXjY5Mar2j")`, "dp.st.prd.rm9h820DfQnPOMbdYvpiYKne1WJnLn03ovXjY5Mar2j"},
		{"key named in prose", "my api key is 9c215aec4ac1926de9f0fdac61614268 and it stopped working", "9c215aec4ac1926de9f0fdac61614268"},
		{"words between key and 'is'", "The Cloudflare API token we use is Q7vX2mR9tLw4KpZ8yN3cB6dF1gH5jS0aE2uWqT for DNS edits", "Q7vX2mR9tLw4KpZ8yN3cB6dF1gH5jS0aE2uWqT"},
		{"stripe webhook secret", "endpoint_secret = 'whsec_" + "Zt8Kq2Lm9Vx4Rp7Wn3Yc6Bd1Fg5Hj0As'", "whsec_Zt8Kq2Lm9Vx4Rp7Wn3Yc6Bd1Fg5Hj0As"},
		{"openai project key of another length", `OpenAI("sk-proj-` + `qGwodqbTEPcwHgq1oi85Un5CfM6dh9Z2n-4jkPsiqJPWL63moB35D0R6Z1mO2OGVt8ilkl3mVqhQp0T2")`, "sk-proj-qGwodqbTEPcwHgq1oi85Un5CfM6dh9Z2n-4jkPsiqJPWL63moB35D0R6Z1mO2OGVt8ilkl3mVqhQp0T2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(tt.text, tt.secret)
			if at < 0 {
				t.Fatalf("bad case: %q is not in the text", tt.secret)
			}
			for _, f := range d.Find(tt.text) {
				if f.Start <= at && at+len(tt.secret) <= f.End {
					return
				}
			}
			t.Errorf("Find(%q) = %v; want a finding covering %q", tt.text, d.Find(tt.text), tt.secret)
		})
	}
}

func TestVendorAndContextNegatives(t *testing.T) {
	d := testDetector(t)
	tests := []struct{ name, text string }{
		{"jwt.io sample", "The sample token from jwt.io fails to verify:\n" + jwtIOTok + "\nwhat key did they sign it with?"},
		{"sealed secret", "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBez97wwH8Yip8WO9QD6ywY50hxVZHpnOplt5OJBg2poeT9jyD6ppfcgOkTPJ5XzcM+pi4zsPMR0KG+Vv2hMNeEA+amYX3qM9SOknC2UEWDJpzhQHM\n"},
		{"secrets manager arn", `sm.get_secret_value(SecretId="arn:aws:secretsmanager:us-east-1:418273650912:secret:prod/orders/db-Q7xK2p")`},
		{"bearer in prose", "The bearer of this letter is authorised to collect the parcel."},
		{"bearer placeholder", `-H "Authorization: Bearer $TOKEN"`},
		{"anthropic-shaped, wrong ending", "sk-ant-api03-" + "odJFCrnl2edlBDdz1C5Jau2RJtBRnlWmTSHf6pWkLUyifDLkDmWJ6UuVTAIjvFu7WICPhDeOZIiBOB_Y6sHrFH2ZUCr_lBB"},
		{"sk- and 31 hex", "sk-" + "199b364f73bb387d080589ab054c240 is too short"},
		{"groq-shaped, too long", "gsk_" + "fVHnyADvkxtUuX8KMf4djkWNdRfrCQBFMCArnWGhwBhsRRLFHQtcozMdant8nXiWqsuhaF"},
		{"netrc word without the file", "Enter the password twice; the login page will check it."},
		{"xml element that names a password field", "<passwordPolicy>strong</passwordPolicy>"},
		{"a key mentioned in prose", "Your API key is stored in the vault and rotated weekly."},
		{"a token described in prose", "The token we issue is valid for one hour."},
	}
	for _, tt := range tests {
		if fs := d.Find(tt.text); len(fs) > 0 {
			t.Errorf("%s: Find(%q) = %v; want nothing", tt.name, tt.text, fs)
		}
	}
}
