# expect: adu 'i': too many ADUs: this is ADU 9, at most 8
[adu a]
memory = 4M
image = guest
[adu b]
memory = 4M
image = guest
[adu c]
memory = 4M
image = guest
[adu d]
memory = 4M
image = guest
[adu e]
memory = 4M
image = guest
[adu f]
memory = 4M
image = guest
[adu g]
memory = 4M
image = guest
[adu h]
memory = 4M
image = guest
[adu i]
memory = 4M
image = guest
