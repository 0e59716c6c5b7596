package xta2

import "context"

// Fetched is a message a Fachverfahren took from its box.
type Fetched struct {
	Meta    MessageMetaData
	Content *Container
}

// FetchAll does what a Fachverfahren does on each poll: getStatusList,
// then getMessage and close for every message listed. handle is called
// before the message is closed; an error leaves it in the box.
func FetchAll(ctx context.Context, c *Client, handle func(Fetched) error) (int, error) {
	mb, list, err := c.GetStatusList(ctx, 100)
	if err != nil {
		return 0, err
	}
	if mb.NoMessageReason != "" {
		return 0, nil
	}
	n := 0
	for _, m := range list {
		meta, content, resp, err := c.GetMessage(ctx, m.MessageID)
		if err != nil {
			return n, err
		}
		if err := handle(Fetched{Meta: *meta, Content: content}); err != nil {
			return n, err
		}
		if err := c.Close(ctx, resp.RequestID, m.MessageID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
