# expect: adu 'ctl': memroy: unknown key; did you mean 'memory'?
[adu ctl]
memroy = 8M
memory = 8M
image = guest
