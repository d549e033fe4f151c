$
"


PyFunc2serve

mMatMul