package pathway

func parseHTML(name string, data []byte) (*Pathway, []Warning, error) {
	return nil, nil, &Error{File: name, Msg: "html: not implemented yet"}
}
