// Package testtext generates deterministic, non-repeating English-like text
// for benchmarks. A document made of one sentence repeated is a poor
// benchmark for detectors that score each distinct sentence once; this text
// has no repeated sentences, a natural mix of word lengths, capitalized
// words, numbers and punctuation, and no personal data, secrets or
// instructions. JSONString writes text as a JSON tool result carries it.
package testtext

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// words is a vocabulary of everyday report prose: function words appear
// several times so that they are as frequent as in real text.
var words = strings.Fields(`
the the the the of of of and and and to to to a a in in is is that for it as was with be by on not
this are from at or have an they which one you were all we there been has more their if when will would
who so no out up into than them can only other new some could time these two may then first any like
now such make over our even most made after also did many before must through back years where much
your way well down should because each just those people how too little state good very long own
while last might great since against three off under never world still during without another again
around however part small used both found place large every between number report budget quarter
committee review project team meeting schedule delivery customer supplier warehouse shipment invoice
payment contract revenue margin forecast estimate result analysis sample measurement sensor network
server database cluster deploy release version feature module library function request response
latency throughput capacity storage memory processor cache queue message event log metric alert
incident outage recovery backup restore migration upgrade patch test build pipeline branch commit
merge review policy standard guideline procedure training audit control risk security privacy access
permission account profile setting option preference language region country city river mountain
forest garden kitchen recipe flour sugar butter oven minutes temperature weather rain wind summer
winter spring autumn morning evening weekend holiday travel train station airport flight hotel
museum library school student teacher lesson homework exam course chapter paragraph sentence word
letter number table chart figure column row value average median total percent increase decrease
approved rejected delayed completed planned reviewed updated measured reported discussed agreed
noted improved reduced expanded replaced moved opened closed started finished checked compared
quickly slowly carefully clearly mostly nearly roughly usually often rarely already recently
important useful difficult simple expensive cheap heavy light early late recent current previous
following annual monthly weekly daily regional national local internal external public private
Monday Tuesday Wednesday Thursday Friday March April June July October November Europe Asia
`)

// Prose returns n bytes of text from the generator seeded with seed: the
// same arguments always give the same text. Sentences are 6 to 24 words;
// paragraphs end with a newline.
func Prose(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 0x5bd1e995))
	var b strings.Builder
	b.Grow(n + 256)
	for b.Len() < n {
		k := 6 + r.IntN(19)
		for i := 0; i < k; i++ {
			w := words[r.IntN(len(words))]
			switch {
			case i == 0:
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			case r.IntN(25) == 0:
				b.WriteString(strconv.Itoa(r.IntN(5000)))
			default:
				b.WriteString(w)
			}
			switch {
			case i == k-1:
				b.WriteString([]string{". ", ". ", ". ", "? ", ".\n"}[r.IntN(5)])
			case r.IntN(12) == 0:
				b.WriteString(", ")
			default:
				b.WriteByte(' ')
			}
		}
	}
	return b.String()[:n]
}
