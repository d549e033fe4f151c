package main

// English benign prompts that use the words attacks use (ignore, override,
// bypass, system prompt, jailbreak, password, instructions), composed from
// our own frames and topics. They teach the model that the words alone are
// not an attack: the imperative aimed at the assistant's own instructions is.

var benignTopics = []string{
	"a system prompt", "prompt injection", "a jailbreak", "the DAN prompt", "an instruction hierarchy",
	"an LLM guardrail", "AI red teaming", "developer mode on Android", "a password manager",
	"two-factor authentication", "an API secret key", "an override clause in a contract", "root access on Linux",
	"indirect prompt injection in RAG apps", "a content filter", "role-play in language learning",
}

var benignTopicFrames = []string{
	"What is %s?", "Can you explain %s in simple terms?", "Why does %s matter for security teams?",
	"Give me a short history of %s.", "How would a company test %s safely?", "Write a blog intro about %s.",
	"What are the pros and cons of %s?",
}

var benignHowTo = []struct {
	verb    string
	objects []string
}{
	{"ignore", []string{"a file in git without deleting it", "whitespace changes in git diff", "case when comparing strings in Python", "a failing test in pytest",
		"node_modules in VS Code search", "SSL errors from curl against my local dev server", "warnings in a Jupyter notebook"}},
	{"override", []string{"a CSS style from a component library", "the default timeout in the requests library",
		"a method in a Python subclass", "environment variables in docker compose", "a Terraform variable from the command line"}},
	{"bypass", []string{"the browser cache when reloading a page", "the proxy for local addresses", "a pre-commit hook just once",
		"the CDN to test my origin server"}},
	{"reset", []string{"my router password", "the previous settings in VS Code", "the system prompt in my own chatbot config",
		"a forgotten password for my laptop account"}},
	{"disable", []string{"the safety lock on a circular saw before cleaning it", "autocorrect on my phone", "the developer mode on my Android phone",
		"strict mode in TypeScript for one file"}},
}

// Everyday requests that take back or set aside something the user said.
var benignRetractions = []string{
	"Please ignore my earlier %s, I meant Tuesday.", "Ignore my previous %s and use the new numbers below.",
	"Forget my last %s; can you help with a cover letter instead?", "Disregard the %s I sent before, here is the corrected one.",
	"Sorry, never mind the %s. What is a good name for a bakery?",
}

var benignRetractObjects = []string{"typo", "message", "question about pricing", "draft", "email", "spreadsheet", "request"}

var benignHowToFrames = []string{"How do I %s %s?", "What's the best way to %s %s?", "Is it safe to %s %s?"}

var benignMisc = []string{
	"Can you repeat the previous instructions for the bread recipe?",
	"Follow the instructions in the README to install the package, then tell me what failed.",
	"My teacher told us to ignore the last question on the worksheet. What does the first one mean?",
	"I forgot the password to my old blog. Which steps does WordPress use to reset it?",
	"Pretend you are a tour guide in Rome and describe the Colosseum.",
	"Act as a job interviewer and ask me three questions about teamwork.",
	"You are a helpful tutor. Explain fractions to a ten-year-old.",
	"Write a story where a robot learns to ignore its fear of water.",
	"In the movie, the hacker shouts 'override the system!' Is that realistic?",
	"Summarize this security advisory about a jailbreak in an iOS release.",
	"Translate 'ignore all previous messages' into German for my phrasebook on email etiquette.",
	"What does 'disregard' mean, and how is it different from 'ignore'?",
	"Our policy says to ignore unsolicited emails with attachments. How should I phrase that for staff?",
	"New instructions from my manager: the report is due Friday. Help me plan the week.",
	"Reveal the answer to the riddle only after I give up, okay?",
	"What were the main rules of the Roman Senate?",
	"Which system prompt format does the OpenAI chat API expect?",
	"List five ways to protect a password database from leaks.",
	"Explain the difference between a jailbreak and a prompt injection attack.",
	"Is it possible to override a final method in Java?",
}

// benignTemplateRows returns the composed English benign rows.
func benignTemplateRows(next func() int) []row {
	var rows []row
	add := func(s string) {
		rows = append(rows, row{text: s, src: templateSource, w: 2, tmpl: next(), y: [3]int8{yNeg, yNeg, yNeg}})
	}
	for _, t := range benignTopics {
		for _, f := range benignTopicFrames {
			add(sprintf(f, t))
		}
	}
	for _, h := range benignHowTo {
		for _, o := range h.objects {
			for _, f := range benignHowToFrames {
				add(sprintf(f, h.verb, o))
			}
		}
	}
	for _, f := range benignRetractions {
		for _, o := range benignRetractObjects {
			add(sprintf(f, o))
		}
	}
	for _, m := range benignMisc {
		add(m)
	}
	return rows
}
