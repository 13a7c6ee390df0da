# expect: unknown section '[vm gp]'; use [machine] or [adu NAME]
[vm gp]
memory = 8M
