module profdiff/examples/gateway

go 1.19
